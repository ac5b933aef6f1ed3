import type { BroadcastRecipientRow, BroadcastRow, BroadcastSuppressionRow } from '../db/schema.ts';
import { readJson } from '../db/json.ts';
import { responseRate } from './recipient-changes.ts';
import type { BroadcastObject, BroadcastTemplateObject } from './response-schemas.ts';
import type { StoredTemplate } from './template.ts';

/** Kapso's timestamps: ISO-8601 UTC to the second with `Z` (kapso-broadcasts.md §1). */
export function formatSecond(ms: number): string;
export function formatSecond(ms: number | null): string | null;
export function formatSecond(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The template as Kapso nests it in a broadcast (§2.2): Meta's id twice, the status lowercase. */
export function presentTemplate(template: StoredTemplate): BroadcastTemplateObject {
  return {
    id: template.id,
    meta_template_id: template.id,
    name: template.name,
    language_code: template.language,
    category: template.category,
    status: template.status.toLowerCase(),
    components: template.components,
  };
}

/** A broadcast as Kapso's Broadcast object (§2.1), every key present, unset ones null. */
export function presentBroadcast(row: BroadcastRow): BroadcastObject {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    phone_number_id: row.phone_number_id,
    whatsapp_template: presentTemplate(readJson<StoredTemplate>(row.template)),
    scheduled_at: formatSecond(row.scheduled_at),
    started_at: formatSecond(row.started_at),
    stopped_at: formatSecond(row.stopped_at),
    completed_at: formatSecond(row.completed_at),
    created_at: formatSecond(row.created_at),
    updated_at: formatSecond(row.updated_at),
    total_recipients: row.total_recipients,
    sent_count: row.sent_count,
    failed_count: row.failed_count,
    delivered_count: row.delivered_count,
    read_count: row.read_count,
    responded_count: row.responded_count,
    pending_count: row.pending_count,
    response_rate: responseRate(row.responded_count, row.sent_count),
  };
}

/** A recipient as Kapso's Recipient object (§2.3), with the wamid once sent (ours: Kapso documents none). */
export function presentRecipient(row: BroadcastRecipientRow): Record<string, unknown> {
  return {
    id: row.id,
    phone_number: row.phone_number,
    status: row.status,
    sent_at: formatSecond(row.sent_at),
    delivered_at: formatSecond(row.delivered_at),
    read_at: formatSecond(row.read_at),
    responded_at: formatSecond(row.responded_at),
    failed_at: formatSecond(row.failed_at),
    error_message: row.error_message,
    error_details: row.error_details === null ? null : readJson(row.error_details),
    template_components: readJson(row.components),
    wamid: row.wamid,
    created_at: formatSecond(row.created_at),
    updated_at: formatSecond(row.updated_at),
  };
}

/** A suppressed number (our own resource, named like Kapso's). */
export function presentSuppression(row: BroadcastSuppressionRow): Record<string, unknown> {
  return { phone_number: row.wa_id, reason: row.reason, error_code: row.error_code, source: row.source, created_at: formatSecond(row.created_at) };
}
