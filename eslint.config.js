import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'src/generated/',
      'node_modules/',
      'coverage/',
      '.data/',
      'bench/results/',
      'examples/app/src/gql/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Domain code: no `any`.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        globalThis: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        WebAssembly: 'readonly',
      },
    },
  },
  {
    // The layers of docs/architecture.md and who may import whom. A file importing across a line
    // that is not allowed here fails `npm run lint` (and CI).
    files: ['src/**/*.ts', 'scripts/**/*.ts', 'tools/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/include': ['src/**/*.ts', 'scripts/**/*.ts', 'tools/**/*.ts'],
      // The layers mix folders and single files at src/, so elements match whole file paths
      // (`mode: 'file'`); v7 still supports it and would otherwise warn on every run.
      'boundaries/legacy-warnings': false,
      'boundaries/elements': [
        // Entry: process start, composition root, HTTP server, transports, Yoga plugins.
        {
          type: 'entry',
          pattern: [
            'src/main.*',
            'src/startup.*',
            'src/app.*',
            'src/server.*',
            'src/server/**',
            'src/http/**',
            'src/plugins/**',
          ],
          mode: 'file',
        },
        // Schema: the Pothos types and the GraphQL context type they are resolved with.
        { type: 'schema', pattern: ['src/schema/**', 'src/context.*'], mode: 'file' },
        { type: 'resolvers', pattern: 'src/resolvers/**' },
        // Handlers react to events, and may call domain functions to do so (the domain never imports them).
        { type: 'handlers', pattern: 'src/events/handlers/**' },
        { type: 'events', pattern: 'src/events/**' },
        { type: 'versioning', pattern: 'src/versioning/**' },
        // Planned execution of trusted documents (docs/planned-execution.md): GraphQL documents to SQL.
        { type: 'planner', pattern: 'src/planner/**' },
        { type: 'jobs', pattern: 'src/jobs/**' },
        { type: 'auth', pattern: 'src/auth/**' },
        { type: 'db', pattern: ['src/db/**', 'src/generated/**'] },
        // Shared kernel: errors, configuration, logging, mail transport.
        {
          type: 'kernel',
          pattern: [
            'src/errors.*',
            'src/config.*',
            'src/config/**',
            'src/observability/logger.*',
            'src/observability/tracing.*',
            'src/observability/request-info.*',
            'src/observability/statements.*',
            'src/mail/**',
          ],
          mode: 'file',
        },
        // The rest of observability (metrics, Yoga plugins, error log writer) is wired by the entry layer.
        { type: 'entry', pattern: 'src/observability/**', mode: 'file' },
        // Outside src/ (not in dist/): the commands of `npm run …`, one place for every one of them,
        // and the developer libraries they share with the tests and the bench.
        { type: 'commands', pattern: 'scripts/**', mode: 'file' },
        { type: 'tools', pattern: 'tools/**', mode: 'file' },
      ],
    },
    rules: {
      // Every file under src/ belongs to a layer.
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            {
              from: { element: { type: 'entry' } },
              allow: {
                to: {
                  element: {
                    types: {
                      anyOf: [
                        'entry',
                        'schema',
                        'resolvers',
                        'handlers',
                        'events',
                        'versioning',
                        'planner',
                        'jobs',
                        'auth',
                        'db',
                        'kernel',
                      ],
                    },
                  },
                },
              },
            },
            {
              // A command may use anything in src/ and tools/; nothing imports a command.
              from: { element: { type: 'commands' } },
              allow: {
                to: {
                  element: {
                    types: {
                      anyOf: [
                        'commands',
                        'tools',
                        'entry',
                        'schema',
                        'resolvers',
                        'handlers',
                        'events',
                        'versioning',
                        'planner',
                        'jobs',
                        'auth',
                        'db',
                        'kernel',
                      ],
                    },
                  },
                },
              },
            },
            {
              // Developer libraries build on the server's code, never on a command; src/ never
              // imports them (dist/ holds only what the server runs).
              from: { element: { type: 'tools' } },
              allow: {
                to: {
                  element: {
                    types: {
                      anyOf: [
                        'tools',
                        'schema',
                        'resolvers',
                        'events',
                        'versioning',
                        'planner',
                        'auth',
                        'db',
                        'kernel',
                      ],
                    },
                  },
                },
              },
            },
            {
              from: { element: { type: 'schema' } },
              allow: {
                to: { element: { types: { anyOf: ['schema', 'resolvers', 'events', 'versioning', 'db', 'kernel'] } } },
              },
            },
            {
              from: { element: { type: 'resolvers' } },
              allow: { to: { element: { types: { anyOf: ['resolvers', 'events', 'auth', 'db', 'kernel'] } } } },
            },
            {
              from: { element: { type: 'events' } },
              allow: { to: { element: { types: { anyOf: ['events', 'db', 'kernel'] } } } },
            },
            {
              from: { element: { type: 'handlers' } },
              allow: { to: { element: { types: { anyOf: ['handlers', 'resolvers', 'events', 'db', 'kernel'] } } } },
            },
            {
              // Versioning owns the GraphQL contract's own domain (deprecations, trusted documents):
              // it uses the domain context and access policy, never the other way round.
              from: { element: { type: 'versioning' } },
              allow: { to: { element: { types: { anyOf: ['versioning', 'resolvers', 'events', 'db', 'kernel'] } } } },
            },
            {
              from: { element: { type: 'planner' } },
              allow: { to: { element: { types: { anyOf: ['planner', 'resolvers', 'versioning', 'db', 'kernel'] } } } },
            },
            {
              // Jobs are scheduled entry points: they may run domain functions.
              from: { element: { type: 'jobs' } },
              allow: { to: { element: { types: { anyOf: ['jobs', 'resolvers', 'events', 'db', 'kernel'] } } } },
            },
            {
              from: { element: { type: 'auth' } },
              allow: { to: { element: { types: { anyOf: ['auth', 'resolvers', 'db', 'kernel'] } } } },
            },
            { from: { element: { type: 'db' } }, allow: { to: { element: { types: { anyOf: ['db', 'kernel'] } } } } },
            {
              from: { element: { type: 'kernel' } },
              allow: { to: { element: { types: { anyOf: ['kernel', 'versioning', 'db'] } } } },
            },
          ],
        },
      ],
    },
  },
  {
    // Command-line handling (arguments, exit status) belongs to the commands in scripts/ and to
    // the server's own entry, src/main.ts: the code they call returns or throws.
    files: ['src/**/*.ts', 'tools/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['argv', 'exit', 'exitCode'].map((property) => ({
          object: 'process',
          property,
          message: 'Command-line handling belongs to scripts/ (docs/architecture.md#commands).',
        })),
      ],
    },
  },
  {
    // Below the schema, no GraphQL library: the domain, events, jobs and database layers run
    // without a GraphQL server (tests and jobs call them directly).
    files: ['src/resolvers/**/*.ts', 'src/events/**/*.ts', 'src/jobs/**/*.ts', 'src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['graphql', 'graphql-yoga', 'graphql-ws', 'graphql-scalars'].map((name) => ({
            name,
            message: 'GraphQL libraries belong to src/schema and the entry layer (docs/architecture.md).',
          })),
          patterns: [
            {
              group: ['@pothos/*', '@graphql-yoga/*', '@envelop/*'],
              message: 'GraphQL libraries belong to src/schema and the entry layer (docs/architecture.md).',
            },
          ],
        },
      ],
    },
  },
);
