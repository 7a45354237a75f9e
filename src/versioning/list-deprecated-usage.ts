import type { Db } from '../db/client.js';

export interface DeprecatedUsageRow {
  coordinate: string;
  clientName: string;
  clientVersion: string;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/**
 * Stored usage of deprecated coordinates per client name and version (what the last flushes
 * wrote), by coordinate, then most used first. Admin only: the field checks the scope.
 */
export async function listDeprecatedUsage(
  ctx: { db: Db },
  input: { coordinate?: string | null },
): Promise<DeprecatedUsageRow[]> {
  const rows = await ctx.db.deprecatedFieldUsage.findMany({
    where: input.coordinate ? { coordinate: input.coordinate } : {},
    orderBy: [{ coordinate: 'asc' }, { count: 'desc' }, { clientName: 'asc' }, { clientVersion: 'asc' }],
    select: {
      coordinate: true,
      clientName: true,
      clientVersion: true,
      count: true,
      firstSeenAt: true,
      lastSeenAt: true,
    },
  });
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}
