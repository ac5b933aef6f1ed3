import { GraphError } from '../../http/errors.ts';
import type { SimContext } from '../context.ts';
import { webhookError } from '../error-codes.ts';
import { simErrors } from '../graph-errors.ts';
import { BSUID_PATTERN, identityOf, phoneOfBsuid } from '../identities.ts';
import { normalizeRecipient, phoneDigits } from '../phone.ts';
import { customerOf, refusesMarketingFrom } from '../customers/customer-behaviour.ts';
import type { RecipientBehaviour, SimMessage, SimNumber, SimTemplate } from '../state.ts';
import { checkTemplateSend } from '../templates/template-check.ts';
import { mediaSchemas } from '../validate/content-schemas.ts';
import { parseSendRequest, type SendRequest } from '../validate/send-request.ts';
import type { TemplateSend } from '../validate/template-schemas.ts';
import { prepareAnswer } from './customer-answer.ts';
import { isWindowOpen, takeSendQuota } from './limits.ts';
import { markRead } from './mark-read.ts';
import { scheduleStatuses, type Failure } from './schedule-statuses.ts';
import { statusTimingFor } from './status-timing.ts';

type MessageRequest = Extract<SendRequest, { kind: 'message' }>;

/** Meta's answer to an accepted send (meta-cloud-api.md §2.2). */
export interface SendResponse {
  messaging_product: 'whatsapp';
  /** `wa_id` is empty and `user_id` set when the send was addressed by BSUID (§2.2). */
  contacts: { input: string; wa_id: string; user_id?: string }[];
  messages: { id: string; message_status?: 'accepted' }[];
}

/**
 * `POST /{version}/{phone_number_id}/messages`: a send, or mark-as-read / typing (§2.4). A send
 * Meta refuses is counted per code for `GET /_simulator/sends`.
 */
export function handleMessagesCall(ctx: SimContext, number: SimNumber, version: string, body: unknown): SendResponse | { success: true } {
  try {
    const request = parseSendRequest(body);
    if (request.kind === 'read') return markRead(ctx, number, request.messageId, request.typing);
    return sendMessage(ctx, number, version, request, body as Record<string, unknown>);
  } catch (err) {
    if (err instanceof GraphError && isSendBody(body)) ctx.state.sends.refused(number.phoneNumberId, recipientOf(number, body), err.code);
    throw err;
  }
}

/**
 * Applies Meta's send rules in the order a business meets them: recipient, template, media
 * ids, the 24-hour window (when it answers synchronously), throughput and pair rate; then
 * accepts with a fresh wamid and schedules the status webhooks and the customer's answer.
 */
function sendMessage(ctx: SimContext, number: SimNumber, version: string, request: MessageRequest, body: Record<string, unknown>): SendResponse {
  const { waId, bsuid } = resolveRecipient(ctx, number, request);
  const template = request.type === 'template' ? checkedTemplate(ctx, number, request.content as TemplateSend) : undefined;
  checkMediaId(ctx, request);
  const inWindow = request.recipientType === 'group' || isWindowOpen(ctx, number.phoneNumberId, waId);
  // Templates are the only messages allowed outside the customer service window (§5.5).
  const outsideWindow = ctx.options.enforceWindow && !template && !inWindow;
  if (outsideWindow && ctx.options.windowFailure === 'response') throw simErrors.meta(131047);
  takeSendQuota(ctx, number.phoneNumberId, waId);

  const message = acceptMessage(ctx, number, { waId, bsuid }, request, body);
  const customer = customerOf(ctx, waId).behaviour;
  const failure = failureOf(ctx, number, message, request, { customer, template, outsideWindow });
  if (failure) ctx.state.sends.failed(number.phoneNumberId, waId, failure.error.code);
  const answersTemplates = customer.answers && template !== undefined;
  const timing = statusTimingFor({
    fixed: ctx.options.statusDelaysMs,
    realistic: ctx.options.realisticStatuses,
    dice: ctx.statusDice,
    readsAtAll: customer.read,
    answers: answersTemplates && !ctx.options.autoReply,
  });
  const answer = prepareAnswer(ctx, { message, willFail: failure !== undefined, answersTemplates });
  scheduleStatuses(ctx, number, message, {
    version,
    inWindow,
    timing,
    ...(answer ? { onSeen: answer } : {}),
    ...(template ? { templateCategory: template.category } : {}),
    ...(request.bizOpaque !== undefined ? { bizOpaque: request.bizOpaque } : {}),
    ...(failure ? { failure } : {}),
  });
  return {
    messaging_product: 'whatsapp',
    contacts: [contactOf(ctx, request, waId, bsuid)],
    messages: [template ? { id: message.id, message_status: 'accepted' } : { id: message.id }],
  };
}

/** Records an accepted send under a fresh wamid. */
function acceptMessage(ctx: SimContext, number: SimNumber, { waId, bsuid }: { waId: string; bsuid?: string | undefined }, request: MessageRequest, body: Record<string, unknown>): SimMessage {
  const message: SimMessage = {
    id: ctx.ids.wamid(waId, 'outbound'),
    direction: 'outbound',
    phoneNumberId: number.phoneNumberId,
    waId,
    ...(bsuid !== undefined ? { bsuid } : {}),
    type: request.type,
    payload: body,
    status: 'accepted',
    statuses: [],
    createdAtMs: ctx.now(),
  };
  ctx.state.addMessage(message);
  ctx.state.sends.accepted(number.phoneNumberId, waId);
  return message;
}

/** A messages call that is a send (not mark-as-read or typing). */
function isSendBody(body: unknown): body is Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && !('status' in body);
}

/** The wa_id a refused send was for, when its `to` reads as one. */
function recipientOf(number: SimNumber, body: Record<string, unknown>): string | undefined {
  if (typeof body.to !== 'string') return typeof body.recipient === 'string' ? body.recipient : undefined;
  return body.recipient_type === 'group' ? body.to : normalizeRecipient(body.to, number.displayPhoneNumber);
}

/**
 * The customer a send addresses: by phone (`to`), by BSUID (`recipient`), or both, which must
 * then be the same customer. A BSUID the simulator never gave out still reaches someone: a
 * customer known by that BSUID alone, keyed by it (their window is closed until they write).
 */
function resolveRecipient(ctx: SimContext, number: SimNumber, request: MessageRequest): { waId: string; bsuid?: string } {
  if (request.recipientType === 'group') return { waId: request.to ?? request.recipient ?? '' };
  const byPhone = request.to === undefined ? undefined : phoneOf(number, request.to);
  if (request.recipient === undefined) {
    const bsuid = identityOf(ctx, byPhone as string)?.bsuid;
    return { waId: byPhone as string, ...(bsuid !== undefined ? { bsuid } : {}) };
  }
  const bsuid = request.recipient;
  if (!BSUID_PATTERN.test(bsuid)) throw simErrors.invalidParameter(`Param recipient '${bsuid}' is not a valid business-scoped user ID.`);
  const owner = phoneOfBsuid(ctx, bsuid);
  if (byPhone !== undefined && owner !== undefined && owner !== byPhone) throw simErrors.invalidParameter('Param to and Param recipient name different users.');
  return { waId: owner ?? byPhone ?? bsuid, bsuid };
}

function phoneOf(number: SimNumber, to: string): string {
  const waId = normalizeRecipient(to, number.displayPhoneNumber);
  if (!waId) throw simErrors.invalidParameter(`Param to '${to}' is not a valid phone number.`);
  if (waId === phoneDigits(number.displayPhoneNumber)) throw simErrors.meta(131021);
  return waId;
}

/** The `contacts[]` entry of the answer: `wa_id` for a send by phone, `user_id` for one by BSUID. */
function contactOf(ctx: SimContext, request: MessageRequest, waId: string, bsuid: string | undefined): SendResponse['contacts'][number] {
  if (request.recipient === undefined) return { input: request.to as string, wa_id: waId };
  const phone = request.to !== undefined && !identityOf(ctx, waId)?.hidePhone ? waId : '';
  return { input: request.recipient, wa_id: phone, ...(bsuid !== undefined ? { user_id: bsuid } : {}) };
}

function checkedTemplate(ctx: SimContext, number: SimNumber, send: TemplateSend): SimTemplate {
  const template = ctx.state.templatesOf(number.wabaId).find((t) => t.name === send.name && t.language === send.language.code);
  checkTemplateSend(template, send);
  return template as SimTemplate;
}

/** A media `id` must name media uploaded here and not deleted or expired (§7.5: 131009). */
function checkMediaId(ctx: SimContext, request: MessageRequest): void {
  if (!(request.type in mediaSchemas)) return;
  const id = (request.content as { id?: string }).id;
  if (id === undefined) return;
  const media = ctx.state.media.get(id);
  if (!media || media.expiresAtMs <= ctx.now()) {
    throw simErrors.meta(131009, `Param ${request.type}['id'] is not a valid WhatsApp Business Account media attachment ID.`);
  }
}

/**
 * Why an accepted message will fail, if it will (§4.2: these come as `failed` statuses): outside
 * the window (§7.8, the default asynchronous form), a reaction to an unknown message (§2.3:
 * 131009), a customer not on WhatsApp (131026), a MARKETING template to a customer who opted
 * out of this business's marketing (131050), or a customer scripted to fail.
 */
function failureOf(
  ctx: SimContext,
  number: SimNumber,
  message: SimMessage,
  request: MessageRequest,
  facts: { customer: RecipientBehaviour; template: SimTemplate | undefined; outsideWindow: boolean },
): Failure | undefined {
  const { customer, template } = facts;
  const now = (code: number, details?: string): Failure => ({ error: webhookError(code, details), after: 'accepted' });
  if (facts.outsideWindow) return now(131047);
  if (request.type === 'reaction') {
    const target = ctx.state.messagesById.get((request.content as { message_id: string }).message_id);
    if (!target || target.phoneNumberId !== number.phoneNumberId || target.waId !== message.waId) {
      return now(131009, 'Message could not be reacted to: unknown, too old, or not in this chat.');
    }
  }
  if (!customer.onWhatsApp) return now(131026);
  if (template?.category === 'MARKETING' && refusesMarketingFrom(customer, number.phoneNumberId)) return now(131050);
  if (customer.failWith === undefined) return undefined;
  return { error: webhookError(customer.failWith), after: customer.failAfter };
}
