// What every command in scripts/ shares: its arguments read with node:util's parseArgs, `--help`
// answered (usage on stdout, exit 0) before anything else runs, a bad argument refused (message
// and usage on stderr, exit 2), and one-line failures (exit 1). docs/architecture.md#commands.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Reads `process.argv` as `config` says; answers --help and refuses bad arguments itself. */
export function readArguments<T extends ParseArgsConfig>(usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  const withHelp = { ...config, options: { ...config.options, help: { type: 'boolean', short: 'h' } } } as const;
  let parsed: ReturnType<typeof parseArgs<typeof withHelp>>;
  try {
    parsed = parseArgs(withHelp);
  } catch (err) {
    usageError(usage, (err as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed as unknown as ReturnType<typeof parseArgs<T>>;
}

/** A wrong invocation: the message and the usage on stderr, exit status 2. */
export function usageError(usage: string, message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

/** The command could not do its job: one line on stderr, exit status 1. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
