import { randomBytes } from 'node:crypto';

/**
 * The shapes the bench stores and sends: 60-character wamids, text messages of about 600 bytes
 * of JSON, and Meta's webhook envelope (meta-cloud-api.md §1.4). Pure apart from randomness.
 */

const WAMID_PREFIX = 'wamid.HBgL';
const WAMID_RANDOM_CHARS = 50;
const WAMID_RANDOM_BYTES = 38; // 38 bytes → 51 base64url characters, cut to 50

/** A fresh random wamid of 60 characters (real ones are effectively random, so index inserts are too). */
export function randomWamid(): string {
  return WAMID_PREFIX + randomBytes(WAMID_RANDOM_BYTES).toString('base64url').slice(0, WAMID_RANDOM_CHARS);
}

/** `count` distinct-enough random wamids, drawn from one buffer (2^300 of them: collisions do not happen). */
export function randomWamids(count: number): string[] {
  const pool = randomBytes(WAMID_RANDOM_BYTES * count);
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const start = i * WAMID_RANDOM_BYTES;
    ids[i] = WAMID_PREFIX + pool.toString('base64url', start, start + WAMID_RANDOM_BYTES).slice(0, WAMID_RANDOM_CHARS);
  }
  return ids;
}

const SENTENCES = [
  'Hi, is the blue one back in stock in a medium? ',
  'I placed an order on Monday and the tracking page has not moved since then. ',
  'Could you tell me whether delivery to the office address is possible on Friday afternoon? ',
  'The parcel arrived but one of the two items was missing from the box. ',
  'Thanks a lot for the quick answer, that solves it for me. ',
  'Can I change the payment method after the order was confirmed? ',
  'My order number is 48213-B and the invoice shows the wrong company name. ',
  'Please call me back after six, I am in meetings all day until then. ',
  'Do you ship to Portugal, and how long does it usually take? ',
  'The discount code from the newsletter is rejected at checkout. ',
];
const TEXT = SENTENCES.join('').repeat(4);

/** A customer's text body of 412–491 characters, varied by `n`, so the message JSON is about 600 bytes. */
export function textBody(n: number): string {
  const start = (n * 37) % SENTENCES.join('').length;
  return TEXT.slice(start, start + 412 + (n % 80));
}

/** Meta's inbound text message object (meta-cloud-api.md §1.5). */
export interface TextMessage {
  from: string;
  id: string;
  timestamp: string;
  type: 'text';
  text: { body: string };
}

/** The inbound text message `n` from customer `waId` at epoch second `timestamp`. */
export function textMessage(waId: string, id: string, timestamp: number, n: number): TextMessage {
  return { from: waId, id, timestamp: String(timestamp), type: 'text', text: { body: textBody(n) } };
}

export interface BusinessNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
}

/** A webhook POST body carrying `messages` from one customer (one `contacts[]` entry). */
export function webhookBody(number: BusinessNumber, contact: { waId: string; name: string }, messages: TextMessage[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
              contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }],
              messages,
            },
          },
        ],
      },
    ],
  });
}
