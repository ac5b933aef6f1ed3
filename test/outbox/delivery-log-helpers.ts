import { randomUUID } from 'node:crypto';
import type { DeliveryStatus } from '../../src/db/schema.ts';
import type { TestGateway } from '../helpers/harness.ts';

export const DELIVERIES = '/platform/v1/webhook_deliveries';

/** The test route of a project-path webhook. */
export function testPath(webhookId: string): string {
  return `/platform/v1/whatsapp/webhooks/${webhookId}/test`;
}

/** A request with a project key; `payload` is sent as JSON. */
export function api(gw: TestGateway, apiKey: string, method: 'GET' | 'POST', url: string, payload?: object) {
  return gw.app.inject({ method, url, headers: { 'x-api-key': apiKey }, ...(payload ? { payload } : {}) });
}

/** An instant as the API writes it (ISO 8601 UTC with microseconds). */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/**
 * A delivery written straight into the log, for the tests of listing and filtering: the worker
 * has its own tests, and this lets one test lay out many deliveries at chosen instants.
 */
export async function insertDelivery(
  gw: TestGateway,
  d: {
    projectId: string;
    webhookId: string;
    phoneNumberId?: string | null;
    eventType?: string;
    status?: DeliveryStatus;
    createdAt?: number;
    lastError?: string | null;
  },
): Promise<string> {
  const id = randomUUID();
  const eventId = randomUUID();
  const createdAt = d.createdAt ?? gw.clock.now();
  const status = d.status ?? 'delivered';
  await gw.deps.database.db
    .insertInto('deliveries')
    .values({
      id,
      event_id: eventId,
      webhook_id: d.webhookId,
      project_id: d.projectId,
      phone_number_id: d.phoneNumberId ?? null,
      conversation_id: null,
      event_type: d.eventType ?? 'whatsapp.message.received',
      status,
      ordered: 0,
      buffered: 0,
      attempt_count: status === 'pending' && !d.lastError ? 0 : 1,
      next_attempt_at: createdAt,
      deadline_at: createdAt + 86_400_000,
      locked_by: null,
      locked_until: null,
      response_status: status === 'delivered' ? 200 : d.lastError ? 500 : null,
      last_error: d.lastError ?? (status === 'failed' ? 'http_status: receiver answered 500' : null),
      created_at: createdAt,
      last_attempt_at: status === 'pending' && !d.lastError ? null : createdAt,
      delivered_at: status === 'delivered' ? createdAt : null,
      failed_at: status === 'failed' ? createdAt : null,
    })
    .execute();
  await gw.deps.database.db.insertInto('event_bodies').values({ event_id: eventId, body: '{"test":true}' }).execute();
  return id;
}
