import type { SimNumber } from '../state.ts';

/** The `message` of a control-API injection: Meta's `messages[]` item without the generated fields. */
export interface InboundMessageInput {
  type: string;
  context?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Media types whose content object gets a media id, MIME type, sha256 and url (§1.6). */
export const inboundMediaTypes = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * Builds one inbound `messages[]` item (meta-cloud-api.md §1.5, §1.6) around what the caller
 * gave: `from`, a fresh wamid and a string timestamp first, then `type` and its content object.
 * `context: {id}` (or `{message_id}`) becomes `{from: <business number>, id}` as in replies to
 * our messages; `unsupported` messages get their 131051 `errors[]` when none is given.
 */
export function buildInboundItem(input: {
  number: SimNumber;
  /** Empty for a customer who hides their phone (§1.5). */
  from: string;
  /** The customer's BSUID, when they have one: `from_user_id`. */
  fromUserId?: string;
  wamid: string;
  timestampSec: number;
  message: InboundMessageInput;
}): Record<string, unknown> {
  const { type, context, ...rest } = input.message;
  const item: Record<string, unknown> = {};
  if (context) item.context = normalizeContext(context, input.number);
  Object.assign(item, { from: input.from, ...(input.fromUserId !== undefined ? { from_user_id: input.fromUserId } : {}), id: input.wamid, timestamp: String(input.timestampSec), type });
  if (type === 'unsupported' || type === 'unknown') {
    item.errors = rest.errors ?? [unsupportedError];
    item[type] = rest[type] ?? { type: 'unknown' };
  }
  for (const [key, value] of Object.entries(rest)) if (!(key in item)) item[key] = value;
  return item;
}

function normalizeContext(context: Record<string, unknown>, number: SimNumber): Record<string, unknown> {
  const id = context.id ?? context.message_id;
  if (id === undefined) return context;
  const { message_id: _ignored, ...others } = context;
  return { ...others, from: context.from ?? number.displayPhoneNumber, id };
}

// The error of Meta's `unsupported` example (§1.6): no href, its own title.
const unsupportedError = {
  code: 131051,
  title: 'Message type unknown',
  message: 'Message type unknown',
  error_data: { details: 'Message type is currently not supported.' },
};

/** Whether a message opens/refreshes the 24-hour window: every customer message but `system` (§5.5). */
export function opensWindow(type: string): boolean {
  return type !== 'system';
}
