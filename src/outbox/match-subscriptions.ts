import { readJson } from '../db/json.ts';
import type { EventRow, WebhookRow } from '../db/schema.ts';
import { BUFFERABLE_EVENTS, isInboxEvent, META_RAW_EVENT, NUMBER_EVENTS, ORDERED_EVENTS } from '../events/event-types.ts';

const NUMBER_EVENT_SET: ReadonlySet<string> = new Set(NUMBER_EVENTS);
const BUFFERABLE: ReadonlySet<string> = new Set(BUFFERABLE_EVENTS);

/**
 * The subscriptions of the event's project that receive it (kapso-api.md §8.1): message and
 * conversation events go only to the webhooks of their phone number; project events to project
 * webhooks (all numbers, or the one they are scoped to); raw Meta payloads to the number's `meta`
 * webhook. An event addressed to one webhook (a test event, an inactivity notice, which depends
 * on that webhook's own `inactivity_minutes`) goes to that one alone. The team inbox's own events
 * go to no webhook, whatever their data says: they are internal (docs/inbox-api.md). Pure.
 */
export function matchSubscriptions(event: EventRow, projectId: string, webhooks: readonly WebhookRow[]): WebhookRow[] {
  if (isInboxEvent(event.type)) return [];
  const only = readJson<{ webhook_id?: string }>(event.data).webhook_id;
  return webhooks.filter((w) => {
    if (w.project_id !== projectId) return false;
    if (only !== undefined) return w.id === only;
    if (event.type === META_RAW_EVENT) return w.kind === 'meta' && w.phone_number_id === event.phone_number_id;
    if (w.kind !== 'kapso' || !readJson<string[]>(w.events).includes(event.type)) return false;
    if (NUMBER_EVENT_SET.has(event.type)) return w.phone_number_id !== null && w.phone_number_id === event.phone_number_id;
    return w.phone_number_id === null || w.phone_number_id === event.phone_number_id;
  });
}

/** Whether this subscription buffers this event into per-conversation batches (§8.5). */
export function isBuffered(event: Pick<EventRow, 'type'>, webhook: WebhookRow): boolean {
  return (
    webhook.kind === 'kapso' &&
    Number(webhook.buffer_enabled) === 1 &&
    BUFFERABLE.has(event.type) &&
    readJson<string[]>(webhook.buffer_events).includes(event.type)
  );
}

/** Whether the delivery waits for the earlier ones of its conversation (§8.5 ordering). */
export function isOrdered(event: Pick<EventRow, 'type'>, conversationId: string | null): boolean {
  return conversationId !== null && ORDERED_EVENTS.has(event.type);
}
