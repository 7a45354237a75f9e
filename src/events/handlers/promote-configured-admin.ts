import { grantAdmin } from '../../resolvers/admin/grant-admin.js';
import { defineHandler, type HandlerContext } from '../handler.js';

export interface AdminDeps {
  /** ADMIN_EMAILS, normalized (none when left out). */
  adminEmails?: readonly string[];
}

/**
 * user.created → the new account becomes an admin when its email is in ADMIN_EMAILS (the app
 * also promotes existing accounts in the list when it starts). Idempotent: an admin stays one.
 */
export const promoteConfiguredAdmin = defineHandler({
  name: 'promote-configured-admin',
  eventTypes: ['user.created'],
  async handle(event, { db, now, adminEmails = [] }: HandlerContext & AdminDeps) {
    if (adminEmails.length === 0) return 'skipped';
    const user = await db.user.findUnique({ where: { id: event.payload.userId }, select: { email: true } });
    if (!user || !adminEmails.includes(user.email)) return 'skipped';
    await grantAdmin({ db, now }, { email: user.email, source: 'config' });
    return 'done';
  },
});
