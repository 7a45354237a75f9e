import type { EventHandler } from '../handler.js';
import { createNotificationPreferences } from './create-notification-preferences.js';
import { promoteConfiguredAdmin, type AdminDeps } from './promote-configured-admin.js';
import { notifySubscription } from './notify-subscription.js';
import { notifyTaskChange, type NotifyDeps } from './notify-task-change.js';
import { publishCascadeUpdates } from './publish-cascade-updates.js';
import { publishNotification } from './publish-notification.js';
import { publishTaskUpdate, type PublishDeps } from './publish-task-update.js';
import { sendPasswordChangedNotice } from './send-password-changed-notice.js';
import { sendPasswordReset, type PasswordResetDeps } from './send-password-reset.js';
import { sendVerificationEmail, type VerificationDeps } from './send-verification-email.js';
import { sendWelcomeEmail, type MailDeps } from './send-welcome-email.js';

export type HandlerDeps = MailDeps & PublishDeps & NotifyDeps & AdminDeps & PasswordResetDeps & VerificationDeps;

/** Every handler the bus runs. */
export const handlers: EventHandler<HandlerDeps>[] = [
  createNotificationPreferences,
  sendWelcomeEmail,
  sendPasswordReset,
  sendPasswordChangedNotice,
  sendVerificationEmail,
  notifyTaskChange,
  publishTaskUpdate,
  notifySubscription,
  promoteConfiguredAdmin,
  publishCascadeUpdates,
  publishNotification,
];
