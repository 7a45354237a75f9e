import { NotFoundError } from '../../errors.js';
import { isAdmin } from '../access.js';
import type { DomainContext } from '../domain-context.js';
import { normalizeEmail } from '../users/normalize.js';
import { recordAudit } from './record-audit.js';

export interface GrantAdminInput {
  email: string;
  /** Who asks, for the audit log: the command line or the ADMIN_EMAILS setting. */
  source: 'cli' | 'config';
}

/**
 * Bootstrap: makes the live account with this email an admin, without a signed-in admin (there
 * may be none yet). For `npm run admin:grant` and ADMIN_EMAILS only, never for the API. Returns
 * whether the role changed; NOT_FOUND when no live account has the email. Writes an audit row
 * (actor null) when it changes something.
 */
export async function grantAdmin(
  ctx: Pick<DomainContext, 'db' | 'now'>,
  input: GrantAdminInput,
): Promise<{ userId: string; changed: boolean }> {
  const email = normalizeEmail(input.email);
  return ctx.db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({ where: { email }, select: { id: true, role: true } });
    if (!user) throw new NotFoundError('User');
    if (isAdmin(user)) return { userId: user.id, changed: false };
    await tx.user.update({ where: { id: user.id }, data: { role: 'ADMIN' }, select: { id: true } });
    await recordAudit(tx, {
      actorId: null,
      action: 'user.grant_admin',
      targetType: 'User',
      targetId: user.id,
      before: { role: user.role },
      after: { role: 'ADMIN', source: input.source },
      at: ctx.now(),
    });
    return { userId: user.id, changed: true };
  });
}
