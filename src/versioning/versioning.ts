import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { loadSchemaHistory, type SchemaHistory } from './releases.js';
import { DeprecationUsageTracker } from './usage-tracker.js';

/** What the server and the versioning fields share: the policy, the client table, usage and history. */
export interface Versioning {
  sunsetPolicy: Config['versioning']['sunsetPolicy'];
  clientVersions: Config['versioning']['clientVersions'];
  usage: DeprecationUsageTracker;
  /** Releases and changelog of `schemaDir`, read on first use and kept. */
  history(schema: GraphQLSchema): Promise<SchemaHistory>;
}

export interface VersioningDeps {
  config: Config['versioning'];
  db: Db;
  logger: Logger;
  now: () => Date;
  /** Folder with releases/ and CHANGELOG.md; defaults to the repository's schema/. */
  schemaDir?: string;
  /** Hears each deprecated use by a client (metrics). */
  onDeprecatedUse?: (coordinates: readonly string[], clientName: string) => void;
}

export function createVersioning(deps: VersioningDeps): Versioning {
  let history: Promise<SchemaHistory> | null = null;
  return {
    sunsetPolicy: deps.config.sunsetPolicy,
    clientVersions: deps.config.clientVersions,
    usage: new DeprecationUsageTracker({
      db: deps.db,
      logger: deps.logger,
      now: deps.now,
      onRecord: deps.onDeprecatedUse,
    }),
    history(schema) {
      history ??= loadSchemaHistory(schema, deps.schemaDir).catch((err: unknown) => {
        history = null;
        throw err;
      });
      return history;
    },
  };
}
