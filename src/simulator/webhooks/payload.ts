import type { WebhookError } from '../error-codes.ts';
import type { SimNumber } from '../state.ts';

/** One update the simulator reports: a message, a status, a system error or a template event. */
export type WebhookItem =
  | { kind: 'message'; number: SimNumber; contact?: WebhookContact; message: Record<string, unknown> }
  | { kind: 'status'; number: SimNumber; status: Record<string, unknown> }
  | { kind: 'errors'; number: SimNumber; errors: WebhookError[] }
  | { kind: 'call'; number: SimNumber; contact?: WebhookContact; call: Record<string, unknown> }
  | { kind: 'call_status'; number: SimNumber; status: Record<string, unknown> }
  | { kind: 'template'; wabaId: string; timeSec: number; value: Record<string, unknown> };

/** A `value.contacts[]` entry: the sender's profile (§1.4). */
export interface WebhookContact {
  profile: { name: string; username?: string; country_code?: string };
  /** Empty when the customer hides their phone behind a username (§1.5). */
  wa_id: string;
  /** The customer's BSUID, when they have one. */
  user_id?: string;
}

interface Change {
  field: string;
  value: Record<string, unknown>;
}
interface Entry {
  id: string;
  time?: number;
  changes: Change[];
}

/**
 * Builds Meta's envelope (§1.4) around one or more updates: one entry per WABA, and per phone
 * number one change for messages (with their `contacts[]`), one for statuses and one for
 * errors, since a `value` carries one of those (§1.4). Template events get entries of their own
 * with the numeric `entry[].time` (§6.6). Item order is kept inside every array.
 */
export function buildPayload(items: readonly WebhookItem[]): { object: 'whatsapp_business_account'; entry: Entry[] } {
  const entries = new Map<string, Entry>();
  const changes = new Map<string, Change>();
  const entryFor = (key: string, id: string, time?: number): Entry => {
    let entry = entries.get(key);
    if (!entry) {
      entry = { id, ...(time !== undefined ? { time } : {}), changes: [] };
      entries.set(key, entry);
    }
    return entry;
  };
  for (const item of items) {
    if (item.kind === 'template') {
      entryFor(`template:${item.wabaId}`, item.wabaId, item.timeSec).changes.push({ field: 'message_template_status_update', value: item.value });
      continue;
    }
    const entry = entryFor(`messages:${item.number.wabaId}`, item.number.wabaId);
    const changeKey = `${item.number.phoneNumberId}:${item.kind}`;
    let change = changes.get(changeKey);
    if (!change) {
      // Calling updates travel in changes of their own field (Meta's Calling API webhooks).
      const field = item.kind === 'call' || item.kind === 'call_status' ? 'calls' : 'messages';
      change = { field, value: { messaging_product: 'whatsapp', metadata: metadataOf(item.number) } };
      changes.set(changeKey, change);
      entry.changes.push(change);
    }
    addToValue(change.value, item);
  }
  return { object: 'whatsapp_business_account', entry: [...entries.values()] };
}

function metadataOf(number: SimNumber): Record<string, string> {
  return { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId };
}

function addToValue(value: Record<string, unknown>, item: Exclude<WebhookItem, { kind: 'template' }>): void {
  const push = (key: string, element: unknown): void => void ((value[key] ??= []) as unknown[]).push(element);
  if (item.kind === 'status' || item.kind === 'call_status') return push('statuses', item.status);
  if (item.kind === 'errors') return item.errors.forEach((e) => push('errors', e));
  // `system` messages come without contacts (§1.6); otherwise one contact per sender.
  if (item.contact) {
    const contacts = (value.contacts ??= []) as WebhookContact[];
    if (!contacts.some((c) => customerOf(c) === customerOf(item.contact as WebhookContact))) contacts.push(item.contact);
  }
  if (item.kind === 'call') return push('calls', item.call);
  push('messages', item.message);
}

/** Who a contact is: their BSUID when they have one (their `wa_id` may be empty), else their phone. */
function customerOf(contact: WebhookContact): string {
  return contact.user_id ?? contact.wa_id;
}

/** The phone number ids an item concerns (for the delivery log). */
export function itemNumberId(item: WebhookItem): string | undefined {
  return item.kind === 'template' ? undefined : item.number.phoneNumberId;
}
