/**
 * Meta webhook POST body → the call events of its `calls` changes. Pure. The envelope itself is
 * checked by ingest's normalizeWebhook first; other fields are not calls and are skipped here.
 */
import { errors } from '../http/errors.ts';
import type { CallEvent } from './call-event.ts';
import type { CallDirection, CallStatus } from './call-status.ts';
import { callsValueSchema, type CallsValue, type MetaCall, type MetaCallStatus } from './webhook-schemas.ts';

/** Every call event of a webhook's `calls` changes, in payload order; a malformed one is a 400. */
export function normalizeCallWebhook(payload: unknown): CallEvent[] {
  const events: CallEvent[] = [];
  const entries = arrayAt(payload, 'entry');
  entries.forEach((entry, entryIndex) => {
    arrayAt(entry, 'changes').forEach((change, changeIndex) => {
      if ((change as { field?: unknown }).field !== 'calls') return;
      const value = (change as { value?: unknown }).value;
      const parsed = callsValueSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = [`entry[${entryIndex}].changes[${changeIndex}].value`, ...(issue?.path ?? []).map(String)].join('.');
        throw errors.invalidParameter(path, `Webhook payload field '${path}' is invalid: ${issue?.message ?? 'malformed'}.`);
      }
      const v = value as CallsValue;
      const phoneNumberId = v.metadata.phone_number_id;
      const business = digits(v.metadata.display_phone_number);
      for (const call of v.calls ?? []) {
        const event = callEventOf(phoneNumberId, business, call);
        if (event) events.push(event);
      }
      for (const status of v.statuses ?? []) {
        const event = callStatusEventOf(phoneNumberId, status);
        if (event) events.push(event);
      }
    });
  });
  return events;
}

/**
 * A `connect` is a call ringing (an inbound call offered to the business, or an outbound one
 * reaching the customer); a `terminate` ends it, `COMPLETED` or `FAILED`. Other events (none
 * documented) are skipped rather than refused: Meta adds events over time.
 */
function callEventOf(phoneNumberId: string, business: string, call: MetaCall): CallEvent | undefined {
  const direction = directionOf(business, call);
  const customer = direction === 'inbound' ? call.from : call.to;
  const base = {
    phoneNumberId,
    callId: call.id,
    direction,
    userWaId: customer ? customer.replace(/^\+/, '') : null,
    atMs: seconds(call.timestamp) * 1000,
    bizOpaqueCallbackData: call.biz_opaque_callback_data ?? null,
  };
  const event = call.event.toLowerCase();
  if (event === 'connect') {
    return { ...base, status: 'ringing', startedAtMs: null, sessionStartedAtMs: null, endedAtMs: null, durationSeconds: null };
  }
  if (event !== 'terminate') return undefined;
  const status: CallStatus = call.status?.toUpperCase() === 'COMPLETED' ? 'completed' : 'failed';
  const startedAtMs = call.start_time === undefined ? null : seconds(call.start_time) * 1000;
  return {
    ...base,
    status,
    startedAtMs,
    // A completed call was answered: its start is when the conversation began.
    sessionStartedAtMs: status === 'completed' ? startedAtMs : null,
    endedAtMs: call.end_time === undefined ? base.atMs : seconds(call.end_time) * 1000,
    durationSeconds: call.duration === undefined ? null : Number(call.duration),
  };
}

/**
 * Meta's user-initiated examples carry no `direction`: without one, a call placed from the
 * business number is the business's, any other the customer's.
 */
function directionOf(business: string, call: MetaCall): CallDirection {
  const stated = call.direction?.toUpperCase();
  if (stated === 'BUSINESS_INITIATED') return 'outbound';
  if (stated === 'USER_INITIATED') return 'inbound';
  return business !== '' && digits(call.from) === business ? 'outbound' : 'inbound';
}

function digits(phone: string | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

/** Statuses of a business-initiated call: the customer's phone rings, then they pick up or decline. */
const OUTBOUND_STATUSES: Readonly<Record<string, CallStatus>> = { RINGING: 'ringing', ACCEPTED: 'answered', REJECTED: 'failed', FAILED: 'failed' };

function callStatusEventOf(phoneNumberId: string, status: MetaCallStatus): CallEvent | undefined {
  const mapped = OUTBOUND_STATUSES[status.status.toUpperCase()];
  if (!mapped) return undefined;
  const atMs = seconds(status.timestamp) * 1000;
  return {
    phoneNumberId,
    callId: status.id,
    direction: 'outbound',
    status: mapped,
    userWaId: status.recipient_id ? status.recipient_id.replace(/^\+/, '') : null,
    atMs,
    startedAtMs: null,
    sessionStartedAtMs: mapped === 'answered' ? atMs : null,
    endedAtMs: mapped === 'failed' ? atMs : null,
    durationSeconds: null,
    bizOpaqueCallbackData: status.biz_opaque_callback_data ?? null,
  };
}

function seconds(value: string | number): number {
  return Number(value);
}

function arrayAt(value: unknown, key: string): unknown[] {
  const found = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return Array.isArray(found) ? found : [];
}
