import { readJson } from '../db/json.ts';
import type { MessageRow, StatusRow } from '../db/schema.ts';
import { type FieldSelection, type KapsoSelection, wantsKapsoField } from '../http/fields.ts';
import type { MessageMedia } from '../media/present-media.ts';
import { storedMediaContent } from './media-content.ts';
import type { MessageObject } from './schemas.ts';

/** The `kapso_data` column as the ingest and send paths write it. */
interface KapsoData {
  message_type_data?: unknown;
  flow_response?: unknown;
  flow_token?: string;
  flow_name?: string;
  order_text?: string;
}

type Entry = [key: string, value: unknown];

// Rendered from columns, so the payload's own copies (e.g. a send body's `to` as the client typed
// it) never override them; `kapso` is ours alone.
const COLUMN_KEYS: ReadonlySet<string> = new Set(['id', 'timestamp', 'type', 'from', 'to', 'kapso']);
// An outbound payload is the send body: these describe the request, not the message, and the
// §6.1.4 outbound example shows neither.
const SEND_ENVELOPE_KEYS: ReadonlySet<string> = new Set(['messaging_product', 'recipient_type']);

/**
 * Renders a stored message as the §6.1.4 object: the Meta message, then `kapso` per `fields`.
 * `media` is the message's media file, when it has one and the caller loaded it.
 */
export function presentMessage(
  row: MessageRow,
  statuses: readonly StatusRow[],
  selection: FieldSelection,
  media?: MessageMedia,
): MessageObject {
  const { metaFields } = selection;
  // `id` always survives projection: without it a client cannot tell the objects apart.
  const meta = metaEntries(row).filter(([key]) => metaFields === null || key === 'id' || metaFields.has(key));
  // §2.1: `kapso()` means the pure Meta shape, with no `kapso` key at all.
  // Built from entries, so typed by assertion: test/http/sample-responses-match-the-openapi-document.test.ts holds it to the schema.
  if (selection.kapso.kind === 'none') return Object.fromEntries(meta) as MessageObject;
  return Object.fromEntries([...meta, ['kapso', presentKapso(row, statuses, selection.kapso, media)]]) as MessageObject;
}

/**
 * The Meta part. §6.1.4: inbound `to` is the business phone_number_id, outbound carries only the
 * customer in `to`. Entries (not assignment) keep a payload key such as `__proto__` plain data.
 */
function metaEntries(row: MessageRow): Entry[] {
  const inbound = row.direction === 'inbound';
  const entries: Entry[] = [
    ['id', row.id],
    // §1.4: Meta timestamps are unix seconds as a string.
    ['timestamp', String(row.timestamp)],
    ['type', row.type],
    ['from', inbound ? row.from_id : null],
    ['to', inbound ? row.phone_number_id : row.to_id],
  ];
  for (const entry of Object.entries(asObject(readJson(row.payload)))) {
    const [key] = entry;
    if (COLUMN_KEYS.has(key) || (!inbound && SEND_ENVELOPE_KEYS.has(key))) continue;
    entries.push(!inbound && key === 'context' ? ['context', messageContext(entry[1])] : entry);
  }
  return entries.filter(isPresent);
}

/**
 * A send body's reply target (`context.message_id`, §6.1.1) as a message object's `context`
 * (`{ id }`, §6.1.4), the shape inbound replies have: Kapso's inbox threads replies by `context.id`.
 */
function messageContext(sent: unknown): unknown {
  const context = asObject(sent);
  if (typeof context.message_id !== 'string') return sent;
  const { message_id: id, ...rest } = context;
  return { id, ...rest };
}

/** The `kapso` block in §6.1.4's key order, limited to the selected keys that apply. */
function presentKapso(row: MessageRow, statuses: readonly StatusRow[], selection: KapsoSelection, media: MessageMedia | undefined): Record<string, unknown> {
  const data = asObject(readJson(row.kapso_data)) as KapsoData;
  const typeData = asObject(data.message_type_data);
  // A media message with no media row yet is in the media queue (media/queue-store.ts): pending.
  const state = media ?? (Number(row.has_media) !== 0 ? QUEUED : undefined);
  const file = media?.state === 'stored' ? storedFile(media) : undefined;
  const entries: Entry[] = [
    ['direction', row.direction],
    ['status', row.status],
    ['processing_status', row.processing_status],
    ['origin', row.origin],
    // §2.2: every example carries the customer's number here, whatever the prose says.
    ['phone_number', row.direction === 'inbound' ? row.from_id : row.to_id],
    ['phone_number_id', row.phone_number_id],
    ['has_media', Number(row.has_media) !== 0],
    // Only once the file is stored: §2.1 lets inapplicable keys be omitted.
    ['media_url', file?.url],
    ['media_data', file && media ? { url: file.url, filename: file.filename, content_type: file.contentType, byte_size: file.byteSize, id: media.id } : undefined],
    ['whatsapp_conversation_id', row.conversation_id],
    ['contact_name', row.contact_name],
    ['message_type_data', state && !file ? { ...typeData, ...mediaStatus(state) } : typeData],
    ['content', file ? storedMediaContent(row.type, typeof typeData.caption === 'string' ? typeData.caption : undefined, file) : row.content],
    ['flow_response', data.flow_response],
    ['flow_token', data.flow_token],
    ['flow_name', data.flow_name],
    ['order_text', data.order_text],
    // Parsed only when asked for: it is the one key that costs a JSON parse per event.
    ['statuses', wantsKapsoField(selection, 'statuses') ? statusHistory(statuses) : undefined],
    // transcript: no speech-to-text yet.
  ];
  return Object.fromEntries(entries.filter((entry) => isPresent(entry) && wantsKapsoField(selection, entry[0])));
}

/** The parts of a stored file the `kapso` keys show. */
function storedFile(media: MessageMedia) {
  if (media.url === null || media.contentType === null || media.byteSize === null) return undefined;
  return { url: media.url, filename: media.filename, contentType: media.contentType, byteSize: media.byteSize };
}

/** The state of a media file still in the media queue, before the worker gives it a row. */
const QUEUED: Pick<MessageMedia, 'state' | 'failureReason'> = Object.freeze({ state: 'pending', failureReason: null });

/** Why a media message has no `media_url` yet: still downloading, or failed (and why). */
function mediaStatus(media: Pick<MessageMedia, 'state' | 'failureReason'>): Record<string, unknown> {
  return { media_status: media.state, ...(media.failureReason !== null ? { media_error: media.failureReason } : {}) };
}

/**
 * §7.3: the unmodified Meta status objects, oldest first, and absent until one was recorded.
 * Ordered by Meta's timestamp because webhooks may arrive out of order; `seq` breaks ties.
 */
function statusHistory(statuses: readonly StatusRow[]): unknown[] | undefined {
  if (statuses.length === 0) return undefined;
  return [...statuses]
    .sort((a, b) => Number(a.timestamp) - Number(b.timestamp) || a.seq - b.seq)
    .map((status) => readJson(status.payload));
}

/** §6.1.4: no `null` padding, so absent and null values are both left out. */
function isPresent(entry: Entry): boolean {
  return entry[1] !== null && entry[1] !== undefined;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
