import { deriveMessageFields } from '../messages/derive.ts';
import type { ConversationMessage } from '../messages/message-write.ts';
import type { ProxyAnswer } from './answer.ts';
import { type SendBody, sendResponseSchema } from './schemas.ts';

/** What Meta's answer to an accepted send names: the message and the customer it reached. */
export interface Acceptance {
  wamid: string;
  /** Meta's `contacts[0].wa_id`; empty or absent when it reached a business-scoped user id. */
  waId?: string | undefined;
  userId?: string | undefined;
}

/** Meta's acceptance in a 2xx answer, or null when the answer names no message (not a send to report as done). */
export function acceptanceOf(answer: ProxyAnswer): Acceptance | null {
  if (answer.statusCode < 200 || answer.statusCode >= 300) return null;
  const accepted = sendResponseSchema.safeParse(jsonOf(answer.body));
  const wamid = accepted.success ? accepted.data.messages[0]?.id : undefined;
  if (!accepted.success || !wamid) return null;
  const contact = accepted.data.contacts?.[0];
  return { wamid, waId: contact?.wa_id, userId: contact?.user_id };
}

/**
 * The outbound message to store for a send Meta accepted (pure): status `pending`, the body as
 * sent, in the conversation of the customer Meta names (else the send's own addressing; an empty
 * wa_id is Meta's way of saying it reached a BSUID). Status webhooks then advance it.
 */
export function outboundMessageOf(phoneNumberId: string, body: SendBody, acceptance: Acceptance, now: number): ConversationMessage {
  const type = body.type ?? 'text';
  const waId = acceptance.waId || phoneDigitsOf(body.to);
  const bsuid = acceptance.userId || body.recipient || null;
  const { messaging_product: _product, recipient_type: _type, recipient: _recipient, ...sent } = { ...body, type } as Record<string, unknown>;
  // Kept as SDK 0.3.0 reads an outbound message: the recipient's BSUID is `to_user_id`.
  const payload = bsuid ? { ...sent, to_user_id: bsuid } : sent;
  return {
    phoneNumberId,
    waId,
    bsuid,
    profileName: null,
    id: acceptance.wamid,
    type,
    direction: 'outbound',
    timestamp: Math.floor(now / 1000),
    status: 'pending',
    processingStatus: 'completed',
    payload,
    derived: deriveMessageFields(payload),
  };
}

/** The Graph error code of an error answer, if it carries one. */
export function graphErrorOf(answer: ProxyAnswer): { code?: number; subcode?: number; message?: string; details?: string } | undefined {
  const error = (jsonOf(answer.body) as { error?: Record<string, unknown> } | undefined)?.error;
  if (!error || typeof error !== 'object') return undefined;
  const data = error.error_data as { details?: unknown } | undefined;
  return {
    ...(typeof error.code === 'number' ? { code: error.code } : {}),
    ...(typeof error.error_subcode === 'number' ? { subcode: error.error_subcode } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    ...(typeof data?.details === 'string' ? { details: data.details } : {}),
  };
}

function phoneDigitsOf(to: string | undefined): string | null {
  const digits = to?.replace(/\D/g, '') ?? '';
  return digits === '' ? null : digits;
}

function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
