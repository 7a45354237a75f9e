import { Cron } from 'croner';

/** Checks a cron expression as the job scheduler reads it (croner); the problem, or null when valid. */
export function cronProblem(expression: string): string | null {
  try {
    new Cron(expression, { paused: true }).stop();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
