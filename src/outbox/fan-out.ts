import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import type { EventRow, WebhookRow } from '../db/schema.ts';
import {
  claimUndispatchedEvents,
  findActiveWebhooksOfProjects,
  findProjectsOfNumbers,
  flushFullBuffers,
  insertDeliveries,
  markEventsDispatched,
  type NewDelivery,
} from './event-store.ts';
import { isBuffered, isOrdered, matchSubscriptions } from './match-subscriptions.ts';
import { renderEvent, type RenderedEvent } from './render-event.ts';

type FanOutDeps = Pick<Deps, 'database' | 'clock' | 'config'>;

/**
 * Turns the oldest undispatched outbox events into deliveries, one per matching subscription, in
 * one transaction: either every delivery of an event exists and the event is marked dispatched,
 * or neither (a crash in between leaves the event to fan out again). Returns how many events it
 * took; 0 means the outbox is empty.
 */
export async function fanOutEvents(deps: FanOutDeps, limit = 200): Promise<number> {
  const now = deps.clock.now();
  return deps.database.db.transaction().execute(async (trx) => {
    const events = await claimUndispatchedEvents(trx, limit);
    if (events.length === 0) return 0;
    const numbers = [...new Set(events.map((e) => e.phone_number_id).filter((id): id is string => id !== null))];
    const projectOfNumber = await findProjectsOfNumbers(trx, numbers);
    const projectOf = (e: EventRow) => e.project_id ?? (e.phone_number_id ? projectOfNumber.get(e.phone_number_id) : undefined);
    const projects = [...new Set(events.map(projectOf).filter((id): id is string => id !== undefined))];
    const webhooks = await findActiveWebhooksOfProjects(trx, projects);
    const deliveries: NewDelivery[] = [];
    for (const event of events) {
      const projectId = projectOf(event);
      const targets = projectId ? matchSubscriptions(event, projectId, webhooks) : [];
      // Most events have no subscriber: they are marked dispatched without being rendered.
      if (!projectId || targets.length === 0) continue;
      const rendered = await renderEvent(trx, event, projectId);
      if (!rendered) continue;
      for (const webhook of targets) deliveries.push(deliveryOf(event, webhook, rendered, projectId, now, deps));
    }
    await insertDeliveries(trx, deliveries);
    for (const d of deliveries.filter((x) => x.buffered === 1 && x.conversation_id !== null)) {
      const webhook = webhooks.find((w) => w.id === d.webhook_id);
      if (webhook) await flushFullBuffers(trx, webhook.id, d.conversation_id as string, webhook.max_buffer_size, now);
    }
    await markEventsDispatched(trx, events.map((e) => e.seq), now);
    return events.length;
  });
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
    body: rendered.body,
    ordered: isOrdered(event, rendered.conversationId) ? 1 : 0,
    buffered: buffered ? 1 : 0,
    // A buffered message waits for its window to close (§8.5), counted from the event.
    next_attempt_at: buffered ? Math.max(now, event.created_at + webhook.buffer_window_seconds * 1000) : now,
    deadline_at: event.created_at + deps.config.webhooks.deadlineMs,
    created_at: now,
  };
}
