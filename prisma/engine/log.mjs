// Logging. stderr belongs to the CLI: it reads JSON lines {level, fields:{message}, target} from it
// (and shows them with DEBUG=prisma:schemaEngine*). PRISMA_SCHEMA_ENGINE_BRIDGE_TRACE=<file>
// additionally appends every RPC call and SQL statement to <file>, for debugging the bridge.
import fs from 'node:fs';

const traceFile = process.env.PRISMA_SCHEMA_ENGINE_BRIDGE_TRACE;

export function log(level, message, target = 'schema_engine_bridge') {
  process.stderr.write(
    `${JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message }, target })}\n`,
  );
}

export function trace(...parts) {
  if (!traceFile) return;
  const text = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  fs.appendFileSync(traceFile, `${new Date().toISOString()} [${process.pid}] ${text}\n`);
}
