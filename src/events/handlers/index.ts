import type { EventHandler } from '../bus.js';
import { createNotificationPreferences } from './create-notification-preferences.js';
import { sendWelcomeEmail, type MailDeps } from './send-welcome-email.js';

export type HandlerDeps = MailDeps;

/** Every handler the bus runs. */
export const handlers: EventHandler<HandlerDeps>[] = [createNotificationPreferences, sendWelcomeEmail];
