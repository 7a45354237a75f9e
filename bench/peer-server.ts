/**
 * The peer: PostGraphile 5 (amber preset, grafserv on node:http) over the same bench database.
 * Runs under the servers' Node (bench/.node24, see ensureServerNode in servers.ts); PostGraphile 5
 * fails at query time on Node 20.
 *
 * Plain PostGraphile conditions are equality only, so the read scenarios' time windows use the
 * documented extension point for that, `addPgTableCondition` (graphile-utils): `dueAtGte`,
 * `dueAtLt`, `startsAtGte`, `startsAtLt`. Soft delete is `condition: { deletedAt: null }`.
 * The bearer token is verified per request (same HS256 check as the API); the user id travels in
 * the variables, since this database has no row-level security for PostGraphile to lean on.
 *
 * Env: DATABASE_URL, DATABASE_POOL_SIZE, JWT_SECRET, PORT.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { addPgTableCondition } from 'postgraphile/utils';
import { createTokenService } from '../src/auth/tokens.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augmenting Grafast's global namespace
  namespace Grafast {
    interface Context {
      userId?: string;
    }
  }
}

const env = process.env;
const tokens = createTokenService({ secret: env.JWT_SECRET!, expiresIn: '1d' });
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DATABASE_POOL_SIZE ?? 10) });

function range(table: string, column: string, suffix: 'Gte' | 'Lt') {
  const op = suffix === 'Gte' ? '>=' : '<';
  return addPgTableCondition(
    { schemaName: 'public', tableName: table },
    `${column}${suffix}`,
    (build) => ({
      type: build.graphql.GraphQLString,
      description: `${column} ${op} this instant (ISO 8601, UTC).`,
    }),
    (value, { sql, sqlTableAlias }) =>
      value == null
        ? null
        : sql`${sqlTableAlias}.${sql.identifier(column)} ${sql.raw(op)} ${sql.value(String(value))}::timestamptz at time zone 'UTC'`,
  );
}

const plugins = [
  ['Assignment', 'dueAt'],
  ['Lecture', 'startsAt'],
  ['StudySession', 'startsAt'],
].flatMap(([table, column]) => [range(table!, column!, 'Gte'), range(table!, column!, 'Lt')]);

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  plugins,
  // PostGraphile hides conditions, orderings and backward relations on columns it finds no index
  // for, and it does not count partial indexes; every index here is partial (WHERE "deletedAt" IS
  // NULL), so it would hide them all. This is the documented switch (v4's --no-ignore-indexes).
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: {
    explain: false,
    async context(requestContext) {
      const header = requestContext.node?.req.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const userId = match ? await tokens.verify(match[1]!) : null;
      if (!userId) throw new Error('UNAUTHENTICATED');
      return { userId };
    },
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
// createHandler rather than addTo: plain HTTP only (no websockets needed), plus a /health route.
const handler = serv.createHandler();
const server = createServer((req, res) => {
  if (req.url === '/health') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  else handler(req, res, () => res.writeHead(404).end());
});
const port = Number(env.PORT ?? 4003);
server.listen(port, '127.0.0.1', () => console.log(`postgraphile listening on ${port}`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    void Promise.resolve(pgl.release()).finally(() => pool.end().finally(() => process.exit(0)));
  });
}
