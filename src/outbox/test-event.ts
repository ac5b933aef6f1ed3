import { randomBytes } from 'node:crypto';
import { readJson } from '../db/json.ts';
import type { WebhookRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import { META_RAW_EVENT } from '../events/event-types.ts';
import { appendEvent } from '../events/append-event.ts';
import { samplePayload } from './sample-payload.ts';

type TestEventDeps = Pick<Deps, 'database' | 'clock' | 'outboxBell'>;

/**
 * The event a test delivery carries (§8.8): the one asked for, which must be one of the webhook's
 * events, or its first. A `meta` webhook has no events; its test is a raw Meta payload.
 */
export function testEventType(webhook: Pick<WebhookRow, 'kind' | 'events'>, requested: string | undefined): string {
  const allowed = webhook.kind === 'meta' ? [META_RAW_EVENT] : readJson<string[]>(webhook.events);
  const chosen = requested ?? allowed[0];
  if (chosen === undefined || !allowed.includes(chosen)) {
    throw errors.invalidParameter('event_type', `Parameter 'event_type' must be one of the webhook's events: ${allowed.join(', ')}.`);
  }
  return chosen;
}

/**
 * Queues a sample delivery for this webhook alone (`data.webhook_id`), sent with exactly the
 * sample body (`data.body`) through the normal outbox, so it is signed, retried and logged like any
 * delivery. Returns the event type queued. An inactive webhook would never receive it, so it is
 * refused; a paused one receives it once resumed.
 */
export async function queueTestEvent(deps: TestEventDeps, webhook: WebhookRow, requested: string | undefined): Promise<string> {
  const type = testEventType(webhook, requested);
  if (webhook.active !== 1) throw errors.conflict(`Webhook ${webhook.id} is inactive; activate it to send a test event.`);
  const now = deps.clock.now();
  const wamid = `wamid.TEST${randomBytes(12).toString('hex').toUpperCase()}`;
  const body = samplePayload(type, { projectId: webhook.project_id, phoneNumberId: webhook.phone_number_id, now, wamid });
  await appendEvent(
    deps.database.db,
    { type, phoneNumberId: webhook.phone_number_id, projectId: webhook.project_id, data: { webhook_id: webhook.id, body, test: true } },
    now,
  );
  deps.outboxBell.ring();
  return type;
}
