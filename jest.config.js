import { findChromium, inCi, redisSource } from './test/helpers/tools.mjs';

// Suites that need a tool this machine may lack are left out of the list when it is missing
// (one line says so), except with CI=true, where they run and fail: CI can never skip them.
const leftOut = [];
if (!findChromium() && !inCi) {
  leftOut.push('browser/graphiql-browser');
  console.error('graphiql-browser.test.ts did not run: no chromium (apt-get install chromium, or set CHROMIUM_PATH)');
}
if (!redisSource() && !inCi) {
  leftOut.push('redis-fanout', 'three-replicas');
  console.error(
    'redis-fanout.test.ts and three-replicas.test.ts did not run: REDIS_URL is unset and no redis-server is installed',
  );
} else if (!process.env.DATABASE_URL && !inCi) {
  leftOut.push('three-replicas');
  console.error('three-replicas.test.ts did not run: its replica processes need DATABASE_URL (a PostgreSQL server)');
}

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...leftOut.map((name) => `/test/${name}\\.test\\.ts$`)],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } },
    ],
  },
  // Source imports end in .js (NodeNext); jest resolves them to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30000,
  // Jest 30's default 'soft' cleanup of globals between test files can recurse without end when a
  // cleaned-up property is written again ("RangeError: Maximum call stack size exceeded at
  // Reflect.set", jestjs/jest#16044); seen on a random suite of the full run. Off, as in Jest 29.
  testEnvironmentOptions: { globalsCleanup: 'off' },
};
