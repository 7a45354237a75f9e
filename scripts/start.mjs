// `npm start`: brings dist/ up to date (scripts/ensure-built.mjs), then runs the server,
// dist/main.js, in this process. `--help` answers before anything is built.
import { parseArgs } from 'node:util';

const usage = `Usage: npm start
Builds what changed into dist/ (swc, no type check), then serves the GraphQL API (dist/main.js).
Takes no arguments: environment variables configure it (docs/configuration.md).`;
try {
  if (parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help) {
    console.log(usage);
    process.exit(0);
  }
} catch (err) {
  console.error(`${err.message}\n${usage}`);
  process.exit(2);
}
const { ensureBuilt } = await import('./ensure-built.mjs');
await ensureBuilt();
await import('../dist/main.js');
