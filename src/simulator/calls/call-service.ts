import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { phoneDigits } from '../phone.ts';
import { pairKey, type SimCall, type SimNumber } from '../state.ts';

/**
 * WhatsApp Calling as the simulator plays it (docs/simulator.md): calls are kept in memory and
 * every change Meta reports is sent as a `calls` webhook. An outbound `connect` rings the
 * customer, who picks up at once (a `connect` with the SDP answer, then `RINGING` and `ACCEPTED`
 * statuses); an inbound call is started from the control API. Either side's `terminate` sends the
 * `terminate` webhook, `COMPLETED` with its duration once answered, else `FAILED`.
 */

/** Stands in for a WebRTC session description: the gateway forwards it, never reads it. */
const SIM_SDP = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=switchboard-simulator\r\nt=0 0\r\n';

/** What a business may do to a call (Meta's `action`). */
export const CALL_ACTIONS = ['connect', 'pre_accept', 'accept', 'reject', 'terminate'] as const;

/** `POST /{phone_number_id}/calls`: checks the body as Meta does, then acts. */
export function handleCallAction(ctx: SimContext, number: SimNumber, body: unknown): Record<string, unknown> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.messaging_product !== 'whatsapp') throw simErrors.invalidParameter("The parameter messaging_product is required and must be 'whatsapp'.");
  const action = b.action;
  if (typeof action !== 'string' || !(CALL_ACTIONS as readonly string[]).includes(action)) {
    throw simErrors.invalidParameter(`Param action must be one of {${CALL_ACTIONS.join(', ')}}.`);
  }
  if (action === 'connect') return connect(ctx, number, b);
  if (typeof b.call_id !== 'string' || b.call_id === '') throw simErrors.invalidParameter('The parameter call_id is required.');
  if ((action === 'pre_accept' || action === 'accept') && !isSession(b.session)) throw simErrors.invalidParameter('The parameter session is required (sdp_type and sdp).');
  const call = ctx.state.calls.get(b.call_id);
  if (!call || call.phoneNumberId !== number.phoneNumberId) throw simErrors.invalidParameter(`Param call_id '${b.call_id}' is not a call of this phone number.`);
  if (call.state === 'ended') throw simErrors.invalidParameter(`Call '${call.id}' has already ended.`);
  if (action !== 'terminate' && call.direction !== 'inbound') throw simErrors.invalidParameter(`Action ${action} applies to calls the business receives.`);
  if (action === 'pre_accept') call.state = 'pre_accepted';
  if (action === 'accept') {
    call.state = 'accepted';
    call.answeredAtMs = ctx.now();
  }
  if (action === 'reject' || action === 'terminate') endCall(ctx, number, call);
  return { messaging_product: 'whatsapp', success: true };
}

function connect(ctx: SimContext, number: SimNumber, b: Record<string, unknown>): Record<string, unknown> {
  const to = typeof b.to === 'string' ? phoneDigits(b.to) : '';
  const recipient = typeof b.recipient === 'string' ? b.recipient : '';
  if (!to && !recipient) throw simErrors.invalidParameter('The parameter to is required.');
  if (b.session !== undefined && !isSession(b.session)) throw simErrors.invalidParameter('Param session must have sdp_type and sdp.');
  const now = ctx.now();
  const call: SimCall = { id: ctx.ids.callId(), phoneNumberId: number.phoneNumberId, waId: to || recipient, direction: 'outbound', state: 'accepted', startedAtMs: now, answeredAtMs: now };
  if (typeof b.biz_opaque_callback_data === 'string') call.bizOpaqueCallbackData = b.biz_opaque_callback_data;
  ctx.state.calls.set(call.id, call);
  const seconds = String(Math.floor(now / 1000));
  const opaque = call.bizOpaqueCallbackData !== undefined ? { biz_opaque_callback_data: call.bizOpaqueCallbackData } : {};
  const status = (s: string) => ({ kind: 'call_status' as const, number, status: { id: call.id, timestamp: seconds, type: 'call', status: s, recipient_id: call.waId, ...opaque } });
  ctx.dispatcher.enqueueGroup([
    {
      item: { kind: 'call', number, call: { id: call.id, to: call.waId, from: number.displayPhoneNumber, event: 'connect', timestamp: seconds, direction: 'BUSINESS_INITIATED', session: { sdp_type: 'answer', sdp: SIM_SDP }, ...opaque } },
      delayMs: 0,
    },
    { item: status('RINGING'), delayMs: 0 },
    { item: status('ACCEPTED'), delayMs: 0 },
  ]);
  return { messaging_product: 'whatsapp', calls: [{ id: call.id }] };
}

/** Input of `POST /_simulator/calls`: a customer calls a business number. */
export interface InboundCallInput {
  phone_number_id: string;
  from: string;
  profile_name?: string;
}

/** A customer calls the business: the `connect` webhook with their SDP offer; opens the 24-hour window. */
export function injectInboundCall(ctx: SimContext, input: InboundCallInput): { id: string } {
  const number = ctx.state.numbers.get(input.phone_number_id);
  if (!number) throw simErrors.unknownObject('POST', input.phone_number_id);
  const from = phoneDigits(input.from);
  const now = ctx.now();
  const call: SimCall = { id: ctx.ids.callId(), phoneNumberId: number.phoneNumberId, waId: from, direction: 'inbound', state: 'ringing', startedAtMs: now };
  ctx.state.calls.set(call.id, call);
  const key = pairKey(number.phoneNumberId, from);
  ctx.state.lastInboundAt.set(key, now);
  const name = input.profile_name ?? ctx.state.profileNames.get(key) ?? 'WhatsApp User';
  ctx.state.profileNames.set(key, name);
  const item = { id: call.id, from, to: number.displayPhoneNumber, event: 'connect', timestamp: String(Math.floor(now / 1000)), direction: 'USER_INITIATED', session: { sdp_type: 'offer', sdp: SIM_SDP } };
  ctx.dispatcher.enqueue({ kind: 'call', number, contact: { profile: { name }, wa_id: from }, call: item }, 0);
  return { id: call.id };
}

/** The customer hangs up (`POST /_simulator/calls/{call_id}/hangup`). */
export function hangUp(ctx: SimContext, callId: string): { id: string } {
  const call = ctx.state.calls.get(callId);
  const number = call && ctx.state.numbers.get(call.phoneNumberId);
  if (!call || !number) throw simErrors.unknownObject('POST', callId);
  if (call.state === 'ended') throw simErrors.invalidParameter(`Call '${call.id}' has already ended.`);
  endCall(ctx, number, call);
  return { id: call.id };
}

/** Ends a call and reports it: completed with its duration once answered, else failed. */
function endCall(ctx: SimContext, number: SimNumber, call: SimCall): void {
  const now = ctx.now();
  call.state = 'ended';
  const answered = call.answeredAtMs !== undefined;
  const start = call.answeredAtMs ?? call.startedAtMs;
  const item = {
    id: call.id,
    ...(call.direction === 'inbound' ? { from: call.waId, to: number.displayPhoneNumber } : { from: number.displayPhoneNumber, to: call.waId }),
    event: 'terminate',
    direction: call.direction === 'inbound' ? 'USER_INITIATED' : 'BUSINESS_INITIATED',
    timestamp: String(Math.floor(now / 1000)),
    status: answered ? 'COMPLETED' : 'FAILED',
    start_time: String(Math.floor(start / 1000)),
    end_time: String(Math.floor(now / 1000)),
    duration: answered ? Math.round((now - start) / 1000) : 0,
    ...(call.bizOpaqueCallbackData !== undefined ? { biz_opaque_callback_data: call.bizOpaqueCallbackData } : {}),
  };
  ctx.dispatcher.enqueue({ kind: 'call', number, call: item }, 0);
}

/**
 * `GET /{phone_number_id}/call_permissions?user_wa_id=`: `temporary` permission while the
 * customer's 24-hour window is open (they wrote or called), else `no_permission`.
 */
export function callPermissions(ctx: SimContext, number: SimNumber, userWaId: unknown): Record<string, unknown> {
  if (typeof userWaId !== 'string' || userWaId === '') throw simErrors.invalidParameter('The parameter user_wa_id is required.');
  const waId = phoneDigits(userWaId) || userWaId;
  const lastInbound = ctx.state.lastInboundAt.get(pairKey(number.phoneNumberId, waId));
  const windowEnd = lastInbound === undefined ? undefined : lastInbound + 24 * 3600_000;
  const granted = windowEnd !== undefined && windowEnd > ctx.now();
  const placed = [...ctx.state.calls.values()].filter((c) => c.phoneNumberId === number.phoneNumberId && c.waId === waId && c.direction === 'outbound').length;
  return {
    messaging_product: 'whatsapp',
    permission: granted ? { status: 'temporary', expiration_time: Math.floor((windowEnd as number) / 1000) } : { status: 'no_permission' },
    actions: [
      { action_name: 'send_call_permission_request', can_perform_action: !granted, limits: [{ time_period: 'PT24H', max_allowed: 1, current_usage: 0 }] },
      { action_name: 'start_call', can_perform_action: granted, limits: [{ time_period: 'PT24H', max_allowed: 100, current_usage: placed }] },
    ],
  };
}

function isSession(value: unknown): boolean {
  const s = value as { sdp_type?: unknown; sdp?: unknown } | null;
  return typeof s === 'object' && s !== null && typeof s.sdp_type === 'string' && s.sdp_type !== '' && typeof s.sdp === 'string' && s.sdp !== '';
}
