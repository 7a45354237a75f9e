import { NotFoundError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { DomainContext } from '../../resolvers/domain-context.js';
import { requireAdmin } from '../../resolvers/access.js';
import type { OperatorContext } from './admin.js';
import { appVersionKey } from './app-version-input.js';

export interface RetiredAppVersion {
  id: string;
  client: string;
  version: string;
  status: 'ACTIVE' | 'RETIRED';
  retiredAt: Date | null;
  /** Ids of the version's documents (some may stay active through another version). */
  documentIds: string[];
}

/** Admin only: `retireAppVersionAsOperator` for a signed-in admin. */
export function retireAppVersion(
  ctx: DomainContext,
  input: { client: string; version: string },
): Promise<RetiredAppVersion> {
  requireAdmin(ctx);
  return retireAppVersionAsOperator(ctx, input);
}

/**
 * Retires an app version: its documents are no longer served under TRUSTED_DOCUMENTS=require
 * (unless another active version has them) and schema:check stops protecting them. Retiring a
 * retired version changes nothing. An unknown version is NOT_FOUND.
 */
export async function retireAppVersionAsOperator(
  ctx: OperatorContext,
  input: { client: string; version: string },
): Promise<RetiredAppVersion> {
  const { client, version } = appVersionKey(input);
  const result = await ctx.db.$transaction(async (tx) => {
    const row = await tx.appVersion.findUnique({
      where: { client_version: { client, version } },
      include: { documents: { select: { documentHash: true } } },
    });
    if (!row) throw new NotFoundError('AppVersion', `${client} ${version}`);
    const documentIds = row.documents.map((d) => d.documentHash);
    if (row.status === 'RETIRED') return { ...row, documentIds };
    const retiredAt = ctx.now();
    const updated = await tx.appVersion.update({ where: { id: row.id }, data: { status: 'RETIRED', retiredAt } });
    await recordEvent(tx, {
      type: 'appVersion.retired',
      payload: { appVersionId: row.id, client, version, documentIds },
      aggregateId: row.id,
      occurredAt: retiredAt,
    });
    return { ...updated, documentIds };
  });
  ctx.events.notify();
  ctx.logger.info({ client, version }, 'app version retired');
  return {
    id: result.id,
    client: result.client,
    version: result.version,
    status: result.status,
    retiredAt: result.retiredAt,
    documentIds: result.documentIds,
  };
}
