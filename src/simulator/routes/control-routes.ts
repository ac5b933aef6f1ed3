import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { hangUp, injectInboundCall } from '../calls/call-service.ts';
import { presentNumber, registerNumber, resetSimulator, setRecipient } from '../control-actions.ts';
import { originOf, type SimContext } from '../context.ts';
import { customerOf, presentBehaviour } from '../customers/customer-behaviour.ts';
import { webhookError } from '../error-codes.ts';
import { simErrors } from '../graph-errors.ts';
import { injectInbound } from '../inbound/inject-inbound.ts';
import { findMedia } from '../media/media-service.ts';
import { mediaFaultsBody, mediaFaultsParams, setMediaFaults } from '../media/media-faults.ts';
import { phoneDigits } from '../phone.ts';
import { presentSends } from '../send/present-sends.ts';
import type { SimMessage } from '../state.ts';
import { setTemplateStatus } from '../templates/template-service.ts';
import * as schemas from './control-schemas.ts';

/**
 * The control API (`/_simulator/*`, JSON, no auth; docs/simulator.md): Meta's side of the
 * world that a test or a developer arranges — numbers, customers, what was sent and delivered.
 */
export async function controlRoutes(app: FastifyInstance, ctx: SimContext, flush: () => Promise<void>): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { state } = ctx;

  r.post('/_simulator/numbers', { schema: { body: schemas.numberBody } }, async (request) => presentNumber(registerNumber(ctx, request.body)));
  r.get('/_simulator/numbers', async () => ({ data: [...state.numbers.values()].map(presentNumber) }));

  r.post('/_simulator/inbound', { schema: { body: schemas.inboundBody } }, async (request) =>
    injectInbound(ctx, request.body, originOf(ctx, request)),
  );

  // WhatsApp Calling: a customer calls the business, or hangs up (calls/call-service.ts).
  r.post('/_simulator/calls', { schema: { body: schemas.inboundCallBody } }, async (request) => injectInboundCall(ctx, request.body));
  r.post('/_simulator/calls/:call_id/hangup', { schema: { params: schemas.callParams } }, async (request) => hangUp(ctx, request.params.call_id));
  r.get('/_simulator/calls', async () => ({ data: [...state.calls.values()] }));

  r.post('/_simulator/recipients/:wa_id', { schema: { params: schemas.recipientParams, body: schemas.recipientBody } }, async (request) => {
    const behaviour = setRecipient(ctx, request.params.wa_id, request.body);
    return presentBehaviour(request.params.wa_id, behaviour, true);
  });
  // How a customer behaves: as scripted, or as drawn from the configured shares.
  r.get('/_simulator/recipients/:wa_id', { schema: { params: schemas.recipientParams } }, async (request) => {
    const waId = phoneDigits(request.params.wa_id) || request.params.wa_id;
    const { behaviour, scripted } = customerOf(ctx, waId);
    return presentBehaviour(waId, behaviour, scripted);
  });

  // What Meta accepted and refused, per customer: "every recipient sent exactly once".
  r.get('/_simulator/sends', { schema: { querystring: schemas.sendsQuery } }, async (request) => {
    const { phone_number_id: phoneNumberId, to } = request.query;
    const waId = to === undefined ? undefined : phoneDigits(to) || to;
    return presentSends(state.sends, { ...(phoneNumberId !== undefined ? { phoneNumberId } : {}), ...(waId !== undefined ? { waId } : {}) });
  });

  r.get('/_simulator/messages', { schema: { querystring: schemas.listQuery } }, async (request) => {
    const { phone_number_id: id, direction } = request.query;
    const data = state.messages.filter((m) => (id === undefined || m.phoneNumberId === id) && (direction === undefined || m.direction === direction));
    return { data: data.map(presentMessage) };
  });

  r.get('/_simulator/deliveries', { schema: { querystring: schemas.listQuery.pick({ phone_number_id: true }) } }, async (request) => {
    const id = request.query.phone_number_id;
    return { data: state.deliveries.filter((d) => id === undefined || d.phoneNumberIds.includes(id)) };
  });

  r.post('/_simulator/templates/:template_id/status', { schema: { params: schemas.templateStatusParams, body: schemas.templateStatusBody } }, async (request) => {
    const template = state.templates.get(request.params.template_id);
    if (!template) throw simErrors.unknownObject('POST', request.params.template_id);
    setTemplateStatus(ctx, template, request.body.status, request.body.reason ?? 'NONE');
    return { id: template.id, status: template.status };
  });

  // A `value.errors[]` webhook: an error not tied to one message (§1.8).
  r.post('/_simulator/errors', { schema: { body: schemas.systemErrorBody } }, async (request) => {
    const number = state.numbers.get(request.body.phone_number_id);
    if (!number) throw simErrors.unknownObject('POST', request.body.phone_number_id);
    ctx.dispatcher.enqueue({ kind: 'errors', number, errors: [webhookError(request.body.code, request.body.details)] }, 0);
    return { success: true };
  });

  // Media that lies or fails, for download tests (media/media-faults.ts).
  r.post('/_simulator/media/:media_id/faults', { schema: { params: mediaFaultsParams, body: mediaFaultsBody } }, async (request) => {
    const media = findMedia(ctx, request.params.media_id);
    if (!media) throw simErrors.unknownObject('POST', request.params.media_id);
    return setMediaFaults(media, request.body);
  });

  r.post('/_simulator/flush', async () => {
    await flush();
    return { success: true };
  });

  r.post('/_simulator/reset', async () => {
    resetSimulator(ctx);
    return { success: true };
  });
}

function presentMessage(message: SimMessage): Record<string, unknown> {
  return {
    id: message.id,
    direction: message.direction,
    phone_number_id: message.phoneNumberId,
    wa_id: message.waId,
    ...(message.bsuid !== undefined ? { user_id: message.bsuid } : {}),
    type: message.type,
    status: message.status,
    statuses: message.statuses,
    created_at: new Date(message.createdAtMs).toISOString(),
    ...(message.markedRead !== undefined ? { marked_read: message.markedRead } : {}),
    ...(message.typingIndicator !== undefined ? { typing_indicator: message.typingIndicator } : {}),
    payload: message.payload,
  };
}
