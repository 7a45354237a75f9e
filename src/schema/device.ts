import { registerDevice } from '../resolvers/devices/register-device.js';
import { unregisterDevice } from '../resolvers/devices/unregister-device.js';
import { builder } from './builder.js';
import { nodeLookup } from './global-ids.js';

export const DevicePlatform = builder.enumType('DevicePlatform', {
  description: 'Where a device gets its push notifications from.',
  values: {
    IOS: { description: 'Apple Push Notification service (APNs); the token is the device token in hex.' },
    ANDROID: { description: 'Firebase Cloud Messaging (FCM); the token is the FCM registration token.' },
    WEB: {
      description: 'Web Push (VAPID); the token is the PushSubscription JSON: {"endpoint","keys":{"p256dh","auth"}}.',
    },
  },
});

export const DeviceType = builder.prismaNode('Device', {
  description:
    'A device of yours that gets push notifications (registerDevice). Its token is not shown: the app knows its own.',
  select: { id: true },
  id: { field: 'id' },
  // node(id): your own device (an admin: anyone's); anything else is null.
  findUnique: nodeLookup('Device'),
  nullable: true,
  fields: (t) => ({
    platform: t.expose('platform', { type: DevicePlatform, description: 'IOS, ANDROID or WEB.' }),
    appVersion: t.exposeString('appVersion', {
      nullable: true,
      description: 'The app version it last registered with; null if none was given.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the token was first registered.' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', description: 'When the token was last registered.' }),
  }),
});

builder.prismaObjectField('User', 'devices', (t) =>
  t.relatedConnection('devices', {
    description: "The user's push devices, oldest first.",
    cursor: 'id',
    totalCount: true,
    query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  }),
);

const RegisterDeviceInput = builder.inputType('RegisterDeviceInput', {
  description: 'A device to push to.',
  fields: (t) => ({
    platform: t.field({ type: DevicePlatform, description: 'Which provider the token is for.' }),
    token: t.string({
      description:
        'IOS: the APNs device token (hex); ANDROID: the FCM registration token; WEB: JSON.stringify(PushSubscription), whose endpoint must be a known push service. At most 2048 characters.',
    }),
    appVersion: t.string({ required: false, description: 'The app version, e.g. 2.3.0; up to 50 characters.' }),
  }),
});

const UnregisterDevicePayload = builder.objectRef<{ deletedId: string }>('UnregisterDevicePayload').implement({
  description: 'The device removed. Removal is final (a push token is not kept); register again to get pushes.',
  fields: (t) => ({
    deletedId: t.globalID({
      description: 'The global id of the removed device.',
      resolve: (d) => ({ type: 'Device', id: d.deletedId }),
    }),
  }),
});

builder.mutationFields((t) => ({
  registerDevice: t.prismaField({
    type: 'Device',
    description:
      'Registers this device for push notifications, or refreshes it: the same token again (also from another account, which then takes it over) updates platform, appVersion and lastSeenAt. At most 20 devices per account; one more replaces the one seen longest ago. A malformed token is BAD_USER_INPUT (field: token).',
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: RegisterDeviceInput, description: 'The device.' }) },
    resolve: (query, _root, { input }, ctx) => registerDevice(ctx, input, query),
  }),
  unregisterDevice: t.field({
    type: UnregisterDevicePayload,
    description:
      "Removes one of your devices, by id or by token (exactly one): it gets no more pushes (signing out on a phone calls this). Another user's device is NOT_FOUND.",
    authScopes: { signedIn: true },
    args: {
      id: t.arg.globalID({ for: DeviceType, required: false, description: "The device's global id." }),
      token: t.arg.string({ required: false, description: 'Or its push token, as registered.' }),
    },
    resolve: (_root, { id, token }, ctx) => unregisterDevice(ctx, { id: id?.id ?? null, token: token ?? null }),
  }),
}));
