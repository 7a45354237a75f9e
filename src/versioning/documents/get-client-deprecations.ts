import { parse, type GraphQLSchema } from 'graphql';
import { deprecatedCoordinatesOf } from '../collect-usage.js';
import { isPastSunset } from '../dates.js';
import { DeprecationRegistry, type DeprecationEntry } from '../registry.js';
import type { DomainContext } from '../../resolvers/domain-context.js';

/** One deprecated coordinate a client still touches, and how. */
export interface ClientDeprecation extends DeprecationEntry {
  pastSunset: boolean;
  /** Published operations (of the asked versions, active or not) that touch it, `name (version)`. */
  operations: string[];
  /** Operations counted by the usage tracker for this client (and version, when asked). */
  usageCount: number;
  lastUsedAt: Date | null;
}

/**
 * What one client (one version, or all its versions) still touches that is deprecated: from its
 * published documents and its recorded usage, with replacement, migration note and sunset. Open
 * to anyone: a client team asks about its own app without admin rights; it reveals only
 * deprecated coordinates, operation names and counts of the client named.
 */
export async function getClientDeprecations(
  ctx: DomainContext,
  input: { client: string | null; version: string | null; schema: GraphQLSchema },
): Promise<ClientDeprecation[]> {
  const client = input.client?.trim();
  if (!client) return [];
  const version = input.version?.trim() || null;
  const registry = DeprecationRegistry.of(input.schema);
  const [versions, usage] = await Promise.all([
    ctx.db.appVersion.findMany({
      where: { client, ...(version ? { version } : {}) },
      select: {
        version: true,
        documents: { select: { document: { select: { hash: true, text: true, operationName: true } } } },
      },
    }),
    ctx.db.deprecatedFieldUsage.groupBy({
      by: ['coordinate'],
      where: { clientName: client, ...(version ? { clientVersion: version } : {}) },
      _sum: { count: true },
      _max: { lastSeenAt: true },
    }),
  ]);

  const operations = new Map<string, Set<string>>();
  for (const v of versions) {
    for (const { document } of v.documents) {
      // Against the running schema: a deprecation declared after publishing shows too.
      const coordinates = deprecatedCoordinatesOf(registry, input.schema, parse(document.text), document.operationName);
      for (const c of coordinates) {
        const set = operations.get(c) ?? new Set<string>();
        set.add(`${document.operationName ?? document.hash} (${v.version})`);
        operations.set(c, set);
      }
    }
  }
  const used = new Map(usage.map((u) => [u.coordinate, u]));
  const now = ctx.now();
  return [...new Set([...operations.keys(), ...used.keys()])]
    .flatMap((coordinate) => registry.get(coordinate) ?? [])
    .sort((a, b) => a.coordinate.localeCompare(b.coordinate))
    .map((entry) => ({
      ...entry,
      pastSunset: isPastSunset(entry.sunset, now),
      operations: [...(operations.get(entry.coordinate) ?? [])].sort(),
      usageCount: Number(used.get(entry.coordinate)?._sum.count ?? 0),
      lastUsedAt: used.get(entry.coordinate)?._max.lastSeenAt ?? null,
    }));
}
