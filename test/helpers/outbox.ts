import { randomUUID } from 'node:crypto';
import { writeJson } from '../../src/db/json.ts';
import { NUMBER_EVENTS } from '../../src/events/event-types.ts';
import { OutboxWorker } from '../../src/outbox/worker.ts';
import type { TestDialect } from './dialects.ts';
import { startGateway, type TestGateway } from './harness.ts';
import { type Receiver, startReceiver } from './receiver.ts';
import { secretSlots } from '../../src/crypto/secrets.ts';

export interface TestSubscription {
  id: string;
  secret: string;
}

/**
 * Subscribes a URL straight in the database (the subscription API has its own tests): a number
 * webhook to every number event unless told otherwise.
 */
export async function subscribe(
  gw: TestGateway,
  s: {
    projectId: string;
    phoneNumberId: string | null;
    url: string;
    events?: readonly string[];
    kind?: 'kapso' | 'meta';
    buffer?: { windowSeconds: number; maxSize: number };
    inactivityMinutes?: number;
    headers?: Record<string, string>;
  },
): Promise<TestSubscription> {
  const id = randomUUID();
  const secret = `whsec-${randomUUID()}`;
  const now = gw.clock.now();
  await gw.deps.database.db
    .insertInto('webhooks')
    .values({
      id,
      project_id: s.projectId,
      phone_number_id: s.phoneNumberId,
      url: s.url,
      kind: s.kind ?? 'kapso',
      events: writeJson(s.events ?? NUMBER_EVENTS),
      active: 1,
      secret_enc: gw.deps.cipher.encrypt(secret, secretSlots.webhookSecret(id)),
      headers: writeJson(s.headers ?? {}),
      payload_version: 'v2',
      buffer_enabled: s.buffer ? 1 : 0,
      buffer_window_seconds: s.buffer?.windowSeconds ?? 5,
      max_buffer_size: s.buffer?.maxSize ?? 50,
      buffer_events: writeJson(s.buffer ? ['whatsapp.message.received'] : []),
      inactivity_minutes: s.inactivityMinutes ?? 60,
      paused_at: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, secret };
}

/** A worker on the gateway's deps; tests drive it with runOnce() and the injected clock. */
export function newWorker(gw: TestGateway): OutboxWorker {
  return new OutboxWorker(gw.deps, { inactivityEveryMs: 0 });
}

/**
 * A gateway for delivery tests: on a database of its own (workers claim across projects) and
 * allowed to deliver to loopback, where the tests' receivers listen.
 */
export function startDeliveringGateway(dialect: TestDialect): Promise<TestGateway> {
  return startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, { isolated: true });
}

/** startDeliveringGateway with one receiver to deliver to; close() stops both. */
export async function startDeliveringGatewayAndReceiver(dialect: TestDialect): Promise<{ gw: TestGateway; receiver: Receiver; close(): Promise<void> }> {
  const gw = await startDeliveringGateway(dialect);
  const receiver = await startReceiver();
  return {
    gw,
    receiver,
    async close() {
      await receiver.close();
      await gw.close();
    },
  };
}
