/** Builders for Meta webhook bodies (meta-cloud-api.md §1.4), for tests that need exact control. */

function envelope(phoneNumberId: string, value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '109876543210987',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550102030', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });
}

/** A webhook carrying inbound message items from customer 14155550123 ("Maya Chen"). */
export function messagesWebhook(phoneNumberId: string, messages: unknown[], waId = '14155550123', name = 'Maya Chen'): string {
  return envelope(phoneNumberId, { contacts: [{ profile: { name }, wa_id: waId }], messages });
}

/** A customer as Meta names them once usernames exist (meta-cloud-api.md §1.5): by phone, by BSUID (`user_id`), or both. */
export interface WebhookCustomer {
  waId?: string;
  bsuid?: string;
  parentBsuid?: string;
  username?: string;
}

/**
 * A webhook carrying one text from `who`: `wa_id`/`from` empty when they hide their phone, the
 * BSUID as `contacts[].user_id` and `from_user_id`, a username with its country code.
 */
export function customerTextWebhook(phoneNumberId: string, id: string, who: WebhookCustomer, opts: { at?: number; body?: string } = {}): string {
  const contact: Record<string, unknown> = { profile: { name: 'Maya Chen', ...(who.username ? { username: who.username, country_code: 'US' } : {}) }, wa_id: who.waId ?? '' };
  const message: Record<string, unknown> = { from: who.waId ?? '', id, timestamp: String(opts.at ?? 1767268800), type: 'text', text: { body: opts.body ?? `hello ${id}` } };
  if (who.bsuid) {
    contact.user_id = who.bsuid;
    message.from_user_id = who.bsuid;
  }
  if (who.parentBsuid) {
    contact.parent_user_id = who.parentBsuid;
    message.from_parent_user_id = who.parentBsuid;
  }
  return envelope(phoneNumberId, { contacts: [contact], messages: [message] });
}

/** A webhook carrying status items. */
export function statusesWebhook(phoneNumberId: string, statuses: unknown[]): string {
  return envelope(phoneNumberId, { statuses });
}

/** An inbound text message item. */
export function textMessage(id: string, body: string, timestamp: number | string = 1767268800, from = '14155550123') {
  return { from, id, timestamp: String(timestamp), type: 'text', text: { body } };
}

/** A status item for one of our messages. */
export function statusItem(id: string, status: string, timestamp: number, errors?: unknown[]) {
  const item: Record<string, unknown> = { id, status, timestamp: String(timestamp), recipient_id: '14155550123' };
  if (errors) item.errors = errors;
  return item;
}
