import type { EventHandler } from '../bus.js';
import { createNotificationPreferences } from './create-notification-preferences.js';
import { notifyTaskChange } from './notify-task-change.js';
import { publishTaskUpdate, type PublishDeps } from './publish-task-update.js';
import { sendWelcomeEmail, type MailDeps } from './send-welcome-email.js';

export type HandlerDeps = MailDeps & PublishDeps;

/** Every handler the bus runs. */
export const handlers: EventHandler<HandlerDeps>[] = [
  createNotificationPreferences,
  sendWelcomeEmail,
  notifyTaskChange,
  publishTaskUpdate,
];
