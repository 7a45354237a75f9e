import type { DomainContext } from '../../resolvers/domain-context.js';
import { requireAdmin } from '../../resolvers/access.js';

export interface AppVersionView {
  id: string;
  client: string;
  version: string;
  status: 'ACTIVE' | 'RETIRED';
  createdAt: Date;
  retiredAt: Date | null;
  documents: { id: string; operationName: string | null; operationType: string; deprecatedCoordinates: string[] }[];
}

/** Admin only: published app versions (of one client, or all), newest first, with their documents. */
export async function listAppVersions(
  ctx: DomainContext,
  input: { client?: string | null; status?: 'ACTIVE' | 'RETIRED' | null },
): Promise<AppVersionView[]> {
  requireAdmin(ctx);
  const rows = await ctx.db.appVersion.findMany({
    where: { ...(input.client ? { client: input.client } : {}), ...(input.status ? { status: input.status } : {}) },
    orderBy: [{ client: 'asc' }, { createdAt: 'desc' }],
    include: {
      documents: {
        orderBy: { documentHash: 'asc' },
        select: {
          document: { select: { hash: true, operationName: true, operationType: true, deprecatedCoordinates: true } },
        },
      },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    client: r.client,
    version: r.version,
    status: r.status,
    createdAt: r.createdAt,
    retiredAt: r.retiredAt,
    documents: r.documents.map(({ document: d }) => ({
      id: d.hash,
      operationName: d.operationName,
      operationType: d.operationType,
      deprecatedCoordinates: d.deprecatedCoordinates,
    })),
  }));
}
