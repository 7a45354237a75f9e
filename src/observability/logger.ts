import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** Readable, coloured lines (pino-pretty, in a worker thread): development. Default: JSON lines. */
  pretty?: boolean;
  /** Where JSON lines go (tests capture them); default stdout. */
  destination?: DestinationStream;
}

/**
 * Whether the server writes readable lines (pino-pretty, coloured) rather than JSON: in
 * development, and only when stdout is a terminal. Piped or redirected output is JSON lines
 * (`npm start | npx pino-pretty` makes them readable), so no ANSI codes end up in a file.
 */
export function prettyLogs(env: string | undefined, stdoutIsTTY: boolean): boolean {
  return stdoutIsTTY && (env ?? 'development') === 'development';
}

/**
 * Structured logs: JSON lines on stdout, pino-pretty lines in development at a terminal; one
 * logger per process, children per request (requestId, operationName, client, viewerId) and job.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, options: LoggerOptions = {}): Logger {
  const settings = {
    level,
    base: { service: 'study-planner-api', ...base },
    redact: { paths: ['password', '*.password', 'passwordHash', '*.passwordHash', 'token', '*.token'], remove: true },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty && !options.destination) {
    return pino({
      ...settings,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
      },
    });
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
