/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
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
