import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one logger per process, children per request and job. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'study-planner-api', ...base },
    redact: { paths: ['password', '*.password', 'passwordHash', '*.passwordHash', 'token', '*.token'], remove: true },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
