// `npm start`: brings dist/ up to date (scripts/ensure-built.mjs), then runs the server,
// dist/main.js, in this process. `--help` answers before anything is built.
import { answerHelp, ensureBuilt } from './ensure-built.mjs';

const usage = `Usage: npm start
Builds what changed into dist/ (swc, no type check), then serves the GraphQL API (dist/main.js).
Takes no arguments: environment variables configure it (docs/configuration.md).`;
answerHelp(usage);
await ensureBuilt();
await import('../dist/main.js');
