import { randomUUID } from 'node:crypto';
import { followBroadcastEvents } from '../broadcasts/follow-up.ts';
import { directTransaction } from '../db/executor.ts';
import { lockDeliveryLanes, tryTakeFanOut } from '../db/message-lock.ts';
import type { Deps } from '../deps.ts';
import type { EventRow, WebhookRow } from '../db/schema.ts';
import {
  claimUndispatchedEvents,
  findActiveWebhooksOfProjects,
  findProjectsOfNumbers,
  flushFullBuffers,
  insertDeliveries,
  insertEventBodies,
  markEventsDispatched,
  type NewDelivery,
} from './event-store.ts';
import { findBusyLanes, laneKey, ORDERING_WAIT_MS, releaseUnblocked } from './delivery-store.ts';
import { HELD_FOR_SUBSCRIPTION } from '../webhooks/held-deliveries-store.ts';
import { isBuffered, isOrdered, matchSubscriptions } from './match-subscriptions.ts';
import { type EventToRender, renderEvents, type RenderedEvent } from './render-event.ts';

type FanOutDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'mediaUrls' | 'metrics'>;

/**
 * Turns the oldest undispatched outbox events into deliveries, one per matching subscription, in
 * one transaction: either every delivery of an event exists and the event is marked dispatched,
 * or neither (a crash in between leaves the event to fan out again). Returns how many events it
 * took (0: the outbox is empty) and how many deliveries it made of them.
 */
export async function fanOutEvents(deps: FanOutDeps, limit = 500): Promise<{ events: number; deliveries: number }> {
  const now = deps.clock.now();
  const { taken, made, held } = await directTransaction(deps.database.db, async (trx) => {
    // One fan-out at a time, whatever the number of workers: the events are taken in order.
    if (!(await tryTakeFanOut(trx))) return { taken: 0, made: 0, held: [] };
    const events = await claimUndispatchedEvents(trx, limit);
    if (events.length === 0) return { taken: 0, made: 0, held: [] };
    // Broadcast recipients follow their messages' statuses and their customers' replies.
    for (const kind of await followBroadcastEvents(trx, events, now)) deps.metrics.broadcastStatusUpdates.inc({ status: kind });
    const numbers = [...new Set(events.map((e) => e.phone_number_id).filter((id): id is string => id !== null))];
    const projectOfNumber = await findProjectsOfNumbers(trx, numbers);
    const projectOf = (e: EventRow) => e.project_id ?? (e.phone_number_id ? projectOfNumber.get(e.phone_number_id) : undefined);
    const projects = [...new Set(events.map(projectOf).filter((id): id is string => id !== undefined))];
    const webhooks = await findActiveWebhooksOfProjects(trx, projects);
    const wanted: Array<EventToRender & { targets: WebhookRow[] }> = [];
    for (const event of events) {
      const projectId = projectOf(event);
      const targets = projectId ? matchSubscriptions(event, projectId, webhooks) : [];
      // Most events have no subscriber: they are marked dispatched without being rendered.
      if (projectId && targets.length > 0) wanted.push({ event, projectId, targets });
    }
    const rendered = await renderEvents(trx, wanted, { signer: deps.mediaUrls, nowMs: now });
    const deliveries: NewDelivery[] = [];
    const bodies: Array<{ event_id: string; body: string }> = [];
    for (const { event, projectId, targets } of wanted) {
      const body = rendered.get(event.id);
      if (!body) continue;
      bodies.push({ event_id: event.id, body: body.body });
      for (const webhook of targets) deliveries.push(deliveryOf(event, webhook, body, projectId, now, deps));
    }
    await insertEventBodies(trx, bodies);
    await holdBehindEarlierDeliveries(trx, deliveries, webhooks, now);
    await insertDeliveries(trx, deliveries);
    for (const d of deliveries.filter((x) => x.buffered === 1 && x.conversation_id !== null)) {
      const webhook = webhooks.find((w) => w.id === d.webhook_id);
      if (webhook) await flushFullBuffers(trx, webhook.id, d.conversation_id as string, webhook.max_buffer_size, now);
    }
    await markEventsDispatched(trx, events.map((e) => e.seq), now);
    return { taken: events.length, made: deliveries.length, held: deliveries.filter((d) => d.ordered === 1 && d.next_attempt_at > now).map((d) => d.id) };
  });
  // Now that they are committed, release held deliveries whose predecessor finished meanwhile.
  await releaseUnblocked(deps.database.db, held, now);
  return { events: taken, deliveries: made };
}

/**
 * §8.5 ordering, settled once here: a delivery whose conversation already has one waiting for the
 * same subscription (stored, or earlier in this batch) is due only in 30 s, unless the one before
 * it finishes first and brings it forward. A paused subscription's deliveries wait for its resume.
 */
async function holdBehindEarlierDeliveries(trx: Parameters<typeof findBusyLanes>[0], deliveries: NewDelivery[], webhooks: readonly WebhookRow[], now: number): Promise<void> {
  const ordered = deliveries.filter((d) => d.ordered === 1 && d.conversation_id !== null);
  await lockDeliveryLanes(trx, ordered.map((d) => laneKey(d.webhook_id, d.conversation_id as string)));
  const busy = await findBusyLanes(trx, ordered.map((d) => ({ webhookId: d.webhook_id, conversationId: d.conversation_id as string })));
  for (const d of ordered) {
    const lane = laneKey(d.webhook_id, d.conversation_id as string);
    if (busy.has(lane)) d.next_attempt_at = Math.max(d.next_attempt_at, now + ORDERING_WAIT_MS);
    busy.add(lane);
  }
  const paused = new Set(webhooks.filter((w) => w.paused_at !== null).map((w) => w.id));
  for (const d of deliveries) if (paused.has(d.webhook_id)) d.next_attempt_at = HELD_FOR_SUBSCRIPTION;
}

function deliveryOf(event: EventRow, webhook: WebhookRow, rendered: RenderedEvent, projectId: string, now: number, deps: FanOutDeps): NewDelivery {
  const buffered = isBuffered(event, webhook);
  return {
    id: randomUUID(),
    event_id: event.id,
    webhook_id: webhook.id,
    project_id: projectId,
    phone_number_id: event.phone_number_id,
    conversation_id: rendered.conversationId,
    event_type: event.type,
    // Buffered messages go out together per conversation anyway.
    ordered: !buffered && isOrdered(event, rendered.conversationId) ? 1 : 0,
    buffered: buffered ? 1 : 0,
    // A buffered message waits for its window to close (§8.5), counted from the event.
    next_attempt_at: buffered ? Math.max(now, event.created_at + webhook.buffer_window_seconds * 1000) : now,
    deadline_at: event.created_at + deps.config.webhooks.deadlineMs,
    created_at: now,
  };
}
