import type { DeliveryAttemptRow } from '../db/schema.ts';
import { formatInstant, formatOptionalInstant } from '../http/instants.ts';
import { whatsappConfigId } from '../tenants/config-id.ts';
import type { AttemptItem, DeliveryDetail, DeliveryItem } from './log-schemas.ts';
import type { DeliveryLogRow } from './log-store.ts';

/**
 * A delivery as a §8.8 log item. Instants are ISO 8601 (Kapso's microsecond form) and null when
 * unset; `next_attempt_at` only means something while the delivery is pending. Pure.
 */
export function presentDelivery(row: DeliveryLogRow): DeliveryItem {
  return {
    id: row.id,
    event: row.event_type,
    attempt_count: row.attempt_count,
    created_at: formatInstant(row.created_at),
    response_status: row.response_status,
    delivered_at: formatOptionalInstant(row.delivered_at),
    failed_at: formatOptionalInstant(row.failed_at),
    last_attempt_at: formatOptionalInstant(row.last_attempt_at),
    webhook_id: row.webhook_id,
    webhook_url: row.webhook_url,
    whatsapp_config_id: row.phone_number_id === null ? null : whatsappConfigId(row.phone_number_id),
    phone_number_id: row.phone_number_id,
    conversation_phone_number: row.conversation_phone_number,
    status: row.status,
    next_attempt_at: row.status === 'pending' ? formatInstant(row.next_attempt_at) : null,
    last_error: row.last_error,
  };
}

/**
 * The item with every attempt and the body. The body is the delivery's own JSON, the bytes sent
 * and signed for a single delivery; a buffered one travelled inside a batch body (§8.5) around it.
 */
export function presentDeliveryDetail(row: DeliveryLogRow, attempts: readonly DeliveryAttemptRow[], body: string | null): DeliveryDetail {
  return { ...presentDelivery(row), attempts: attempts.map(presentAttempt), body };
}

function presentAttempt(a: DeliveryAttemptRow): AttemptItem {
  return {
    attempt: a.attempt,
    started_at: formatInstant(a.started_at),
    duration_ms: a.duration_ms,
    response_status: a.response_status,
    error_class: a.error_class,
    error_message: a.error_message,
    response_excerpt: a.response_excerpt,
    batch_size: a.batch_size,
  };
}
