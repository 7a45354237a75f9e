import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The Prisma 7 CLI downloads a native schema engine that cannot be fetched on machines without
// network access. prisma/engine/schema-engine.mjs speaks the CLI's engine protocol and forwards
// to the wasm build of the same engine (npm: @prisma/schema-engine-wasm). Set
// PRISMA_SCHEMA_ENGINE_BINARY yourself (or PRISMA_NATIVE_ENGINE=1) to use the native engine.
if (!process.env.PRISMA_NATIVE_ENGINE) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, 'prisma', 'engine', 'schema-engine.mjs');
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Unset for commands that need no database (generate); migrate commands then say it is missing.
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
