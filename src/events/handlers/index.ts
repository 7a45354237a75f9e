import type { EventHandler } from '../bus.js';
import { createNotificationPreferences } from './create-notification-preferences.js';
import { promoteConfiguredAdmin, type AdminDeps } from './promote-configured-admin.js';
import { notifySubscription } from './notify-subscription.js';
import { notifyTaskChange } from './notify-task-change.js';
import { publishTaskUpdate, type PublishDeps } from './publish-task-update.js';
import { sendWelcomeEmail, type MailDeps } from './send-welcome-email.js';

export type HandlerDeps = MailDeps & PublishDeps & AdminDeps;

/** Every handler the bus runs. */
export const handlers: EventHandler<HandlerDeps>[] = [
  createNotificationPreferences,
  sendWelcomeEmail,
  notifyTaskChange,
  publishTaskUpdate,
  notifySubscription,
  promoteConfiguredAdmin,
];
