// npm run example: the app's flow against a running server (STUDY_PLANNER_URL, default
// http://localhost:4000/graphql) that has this app version's documents published
// (npm run example:publish). See docs/example-app.md.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const usage = `Usage: npm run example
Runs the example app's flow against STUDY_PLANNER_URL (default http://localhost:4000/graphql),
a server with this app version's documents published (npm run example:publish).`;
try {
  if (parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help) {
    console.log(usage);
    process.exit(0);
  }
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
const { CLIENT_NAME, formatDeprecations, runFlow } = await import('./flow.js');

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const url = process.env.STUDY_PLANNER_URL ?? 'http://localhost:4000/graphql';

console.log(`${CLIENT_NAME} ${version} against ${url}\n`);
try {
  const report = await runFlow({ url, clientVersion: version, log: (line) => console.log(line) });
  console.log('');
  for (const line of formatDeprecations(report)) console.log(line);
} catch (err) {
  console.error(`\nThe flow stopped: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Is the server running, and is this version published? npm run example:publish (docs/example-app.md)');
  process.exitCode = 1;
}
