import type { GraphQLSchema } from 'graphql';
import type { ChangelogEntry } from './changelog.js';
import { clientStanding, type ClientStanding } from './client-status.js';
import { isPastSunset } from './dates.js';
import { DeprecationRegistry, type DeprecationEntry } from './registry.js';
import type { ClientIdentity } from './client-status.js';
import type { Versioning } from './versioning.js';

export interface ApiInfoContext {
  now: () => Date;
  client: ClientIdentity;
  versioning: Versioning;
}

export interface DeprecationView extends DeprecationEntry {
  pastSunset: boolean;
}

export interface ApiInfo {
  schemaVersion: string | null;
  unreleasedChanges: boolean;
  sunsetPolicy: Versioning['sunsetPolicy'];
  deprecations: DeprecationView[];
  changelog: ChangelogEntry[];
  client: ClientStanding;
}

/** The schema's version, deprecations and history, and where the calling client stands. */
export async function getApiInfo(ctx: ApiInfoContext, schema: GraphQLSchema): Promise<ApiInfo> {
  const now = ctx.now();
  const history = await ctx.versioning.history(schema);
  return {
    schemaVersion: history.version,
    unreleasedChanges: history.unreleasedChanges,
    sunsetPolicy: ctx.versioning.sunsetPolicy,
    deprecations: DeprecationRegistry.of(schema)
      .all()
      .map((entry) => ({ ...entry, pastSunset: isPastSunset(entry.sunset, now) })),
    changelog: history.changelog,
    client: clientStanding(ctx.versioning.clientVersions, ctx.client),
  };
}
