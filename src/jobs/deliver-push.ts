import type { Tx } from '../db/client.js';
import {
  InvalidPushTokenError,
  PushPlatformOffError,
  type PushDevice,
  type PushMessage,
  type PushPlatform,
  type PushTransport,
} from '../mail/push.js';

/** A PUSH row as the deliver-notifications job claimed it. */
export interface PushRow extends Omit<PushMessage, 'notificationId'> {
  id: string;
  /** Devices that accepted this row on an earlier try. */
  pushedDeviceIds: string[] | null;
}

/** What became of one PUSH row this run. */
export type PushOutcome =
  /** Every device it could reach accepted it (now or on an earlier try): the row is sent. */
  | { kind: 'sent'; accepted: string[] }
  /** A device failed for now: retried later, only to the devices that have not accepted it. */
  | { kind: 'failed'; accepted: string[]; error: string }
  /** Nothing to send it to (no device, every token invalid, no provider, push off): closed, not sent. */
  | { kind: 'closed'; reason: string };

interface DeviceRow extends PushDevice {
  userId: string;
}

/**
 * Sends a batch of PUSH rows to every registered device of their users, through `push`, inside the
 * job's transaction: devices whose token the provider reports invalid are deleted (hard, with the
 * row's other outcomes committed together); a device that already accepted a row is not sent it
 * again. The devices of one row are sent to at once; rows one after another. Once a platform's
 * provider failed for now, the rest of the batch does not wait on it: its devices' pushes fail for
 * this run without a request (a hanging provider costs one timeout per run, not one per row, and
 * the job's transaction stays short), and are retried with the rows' backoff.
 */
export async function deliverPush(tx: Tx, rows: PushRow[], push: PushTransport): Promise<Map<string, PushOutcome>> {
  const outcomes = new Map<string, PushOutcome>();
  if (rows.length === 0) return outcomes;
  if (push.mode === 'off') {
    for (const row of rows) outcomes.set(row.id, { kind: 'closed', reason: 'push is off: no provider credentials' });
    return outcomes;
  }
  const userIds = [...new Set(rows.map((r) => r.userId))];
  // Device_user_created_idx: each user's devices, oldest first.
  const devices = await tx.$queryRaw<DeviceRow[]>`
    SELECT "id", "userId", "platform"::text AS "platform", "token" FROM "Device"
    WHERE "userId" = ANY(${userIds}::uuid[]) AND "deletedAt" IS NULL
    ORDER BY "userId", "createdAt", "id"`;
  const removed = new Set<string>();
  const down = new Map<PushPlatform, string>();
  const attempt = (device: DeviceRow, message: PushMessage) => {
    const failure = down.get(device.platform);
    if (failure)
      return Promise.reject(new Error(`not tried: ${device.platform} failed earlier in this run (${failure})`));
    return push.send(device, message);
  };
  for (const row of rows) {
    const done = new Set(row.pushedDeviceIds ?? []);
    const targets = devices.filter((d) => d.userId === row.userId && !done.has(d.id) && !removed.has(d.id));
    const message: PushMessage = {
      userId: row.userId,
      title: row.title,
      body: row.body,
      kind: row.kind,
      notificationId: row.id,
    };
    const results = await Promise.allSettled(targets.map((d) => attempt(d, message)));
    const accepted: string[] = [];
    const errors: string[] = [];
    let invalid = 0;
    let noProvider = 0;
    results.forEach((result, i) => {
      const device = targets[i]!;
      if (result.status === 'fulfilled') accepted.push(device.id);
      else if (result.reason instanceof InvalidPushTokenError) {
        removed.add(device.id);
        invalid += 1;
      } else if (result.reason instanceof PushPlatformOffError) noProvider += 1;
      else {
        const error = errorText(result.reason);
        if (!down.has(device.platform)) down.set(device.platform, error);
        errors.push(`${device.platform} ${device.id}: ${error}`);
      }
    });
    if (errors.length > 0) outcomes.set(row.id, { kind: 'failed', accepted, error: errors.join('; ') });
    else if (accepted.length > 0 || done.size > 0) outcomes.set(row.id, { kind: 'sent', accepted });
    else {
      const reason =
        targets.length === 0
          ? 'no registered device'
          : `no device accepted it (${invalid} removed as invalid, ${noProvider} without a configured provider)`;
      outcomes.set(row.id, { kind: 'closed', reason });
    }
  }
  if (removed.size > 0) {
    // Hard delete (docs/push.md): an invalid token is no address to keep or restore.
    await tx.$executeRaw`DELETE FROM "Device" WHERE "id" = ANY(${[...removed]}::uuid[])`;
  }
  return outcomes;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
