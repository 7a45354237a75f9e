import { DEFAULT_WEB_PUSH_HOSTS } from '../../config/push.js';
import type { DeviceSettings } from './device-token.js';

/** Devices one user may have registered; one more replaces the one seen longest ago. */
export const MAX_DEVICES = 20;

/** The push services browsers' subscriptions point at (WEB_PUSH_ENDPOINT_HOSTS' default, src/config/push.ts). */
export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = { webPushEndpointHosts: DEFAULT_WEB_PUSH_HOSTS };
