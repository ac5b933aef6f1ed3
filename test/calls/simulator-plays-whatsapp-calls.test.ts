import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, signatureIsValid, startReceiver, startSimulator, T0, testClock } from '../simulator/helpers.ts';

const SESSION = { sdp_type: 'answer', sdp: 'v=0' };
const ts = (ms: number) => String(Math.floor(ms / 1000));

/** WhatsApp Calling as the simulator plays it (docs/simulator.md, kapso-api.md §6.7.1). */
describe('the simulator plays WhatsApp calls', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clock: ReturnType<typeof testClock>;
  beforeEach(async () => {
    receiver = await startReceiver();
    clock = testClock();
    sim = await startSimulator({ webhookUrl: receiver.url, clock });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const act = (body: unknown, token = NUMBER.access_token) =>
    sim.app.inject({ method: 'POST', url: `/v24.0/${NUMBER.phone_number_id}/calls`, headers: { authorization: `Bearer ${token}` }, payload: body as object });
  /** Every `calls` change value received so far, in order. */
  const callChanges = async () => {
    await sim.flush();
    for (const w of receiver.received) expect(signatureIsValid(w.raw, w.signature, NUMBER.app_secret)).toBe(true);
    return receiver.received.flatMap((w) => w.body.entry.flatMap((e) => e.changes)).filter((c) => c.field === 'calls').map((c) => c.value);
  };

  it('answers connect with a call id and reports the call connecting, ringing and accepted', async () => {
    const res = await act({ messaging_product: 'whatsapp', to: `+${CUSTOMER}`, action: 'connect', session: { sdp_type: 'offer', sdp: 'v=0' }, biz_opaque_callback_data: 'ref-9' });
    expect(res.statusCode).toBe(200);
    const id = res.json().calls[0].id as string;
    expect(res.json()).toEqual({ messaging_product: 'whatsapp', calls: [{ id: expect.stringMatching(/^wacid\./) }] });
    // Three webhooks POSTed side by side: their arrival order is not theirs to keep.
    const values = await callChanges();
    expect(values.find((v) => v.calls)).toMatchObject({
      metadata: { phone_number_id: NUMBER.phone_number_id, display_phone_number: NUMBER.display_phone_number },
      calls: [{ id, to: CUSTOMER, from: NUMBER.display_phone_number, event: 'connect', direction: 'BUSINESS_INITIATED', timestamp: ts(T0), session: { sdp_type: 'answer' }, biz_opaque_callback_data: 'ref-9' }],
    });
    const statuses = values.flatMap((v) => (v.statuses as Array<{ id: string; status: string }> | undefined) ?? []);
    expect(statuses.map((s) => s.status).sort()).toEqual(['ACCEPTED', 'RINGING']);
    expect(statuses.every((s) => s.id === id)).toBe(true);
  });

  it('ends an outbound call at terminate with a completed webhook carrying its duration', async () => {
    const id = (await act({ messaging_product: 'whatsapp', to: CUSTOMER, action: 'connect' })).json().calls[0].id as string;
    clock.advance(42_000);
    expect((await act({ messaging_product: 'whatsapp', call_id: id, action: 'terminate' })).json()).toEqual({ messaging_product: 'whatsapp', success: true });
    const last = (await callChanges()).at(-1);
    expect(last?.calls).toEqual([
      { id, from: NUMBER.display_phone_number, to: CUSTOMER, event: 'terminate', direction: 'BUSINESS_INITIATED', timestamp: ts(T0 + 42_000), status: 'COMPLETED', start_time: ts(T0), end_time: ts(T0 + 42_000), duration: 42 },
    ]);
    const again = await act({ messaging_product: 'whatsapp', call_id: id, action: 'terminate' });
    expect(again.statusCode).toBe(400);
  });

  it('rings the business for a customer call from the control API, which it may accept and hang up', async () => {
    const start = await sim.app.inject({ method: 'POST', url: '/_simulator/calls', payload: { phone_number_id: NUMBER.phone_number_id, from: `+${CUSTOMER}`, profile_name: 'Maya Chen' } });
    const id = start.json().id as string;
    expect((await callChanges())[0]).toMatchObject({
      contacts: [{ profile: { name: 'Maya Chen' }, wa_id: CUSTOMER }],
      calls: [{ id, from: CUSTOMER, to: NUMBER.display_phone_number, event: 'connect', direction: 'USER_INITIATED', session: { sdp_type: 'offer' } }],
    });
    expect((await act({ messaging_product: 'whatsapp', call_id: id, action: 'pre_accept', session: SESSION })).statusCode).toBe(200);
    clock.advance(5_000);
    expect((await act({ messaging_product: 'whatsapp', call_id: id, action: 'accept', session: SESSION })).statusCode).toBe(200);
    clock.advance(30_000);
    expect((await sim.app.inject({ method: 'POST', url: `/_simulator/calls/${encodeURIComponent(id)}/hangup` })).statusCode).toBe(200);
    expect((await callChanges()).at(-1)?.calls).toEqual([expect.objectContaining({ id, event: 'terminate', status: 'COMPLETED', duration: 30, start_time: ts(T0 + 5_000) })]);
  });

  it('reports a rejected customer call as failed', async () => {
    const id = sim.injectCall({ phone_number_id: NUMBER.phone_number_id, from: CUSTOMER }).id;
    expect((await act({ messaging_product: 'whatsapp', call_id: id, action: 'reject' })).statusCode).toBe(200);
    expect((await callChanges()).at(-1)?.calls).toEqual([expect.objectContaining({ id, event: 'terminate', status: 'FAILED', duration: 0 })]);
  });

  it.each([
    ['an unknown action', { messaging_product: 'whatsapp', action: 'hold', call_id: 'wacid.X' }, 'Param action must be one of {connect, pre_accept, accept, reject, terminate}.'],
    ['no call_id', { messaging_product: 'whatsapp', action: 'terminate' }, 'The parameter call_id is required.'],
    ['an accept without session', { messaging_product: 'whatsapp', action: 'accept', call_id: 'wacid.X' }, 'The parameter session is required (sdp_type and sdp).'],
    ['an unknown call', { messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.nope' }, "Param call_id 'wacid.nope' is not a call of this phone number."],
    ['a connect without callee', { messaging_product: 'whatsapp', action: 'connect' }, 'The parameter to is required.'],
  ])('refuses %s with Meta’s code 100', async (_what, body, details) => {
    const res = await act(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException', message: '(#100) Invalid parameter', error_data: { details } });
  });

  it('answers call permissions: temporary while the customer’s window is open, else none', async () => {
    const permissions = async () =>
      (await sim.app.inject({ method: 'GET', url: `/v24.0/${NUMBER.phone_number_id}/call_permissions?user_wa_id=${CUSTOMER}`, headers: { authorization: `Bearer ${NUMBER.access_token}` } })).json();
    expect(await permissions()).toMatchObject({ messaging_product: 'whatsapp', permission: { status: 'no_permission' }, actions: [{ action_name: 'send_call_permission_request', can_perform_action: true }, { action_name: 'start_call', can_perform_action: false }] });
    sim.injectCall({ phone_number_id: NUMBER.phone_number_id, from: CUSTOMER });
    expect(await permissions()).toEqual({
      messaging_product: 'whatsapp',
      permission: { status: 'temporary', expiration_time: Math.floor(T0 / 1000) + 86_400 },
      actions: [
        { action_name: 'send_call_permission_request', can_perform_action: false, limits: [{ time_period: 'PT24H', max_allowed: 1, current_usage: 0 }] },
        { action_name: 'start_call', can_perform_action: true, limits: [{ time_period: 'PT24H', max_allowed: 100, current_usage: 0 }] },
      ],
    });
  });

  it('refuses call permissions without user_wa_id, and another token’s number', async () => {
    const missing = await sim.app.inject({ method: 'GET', url: `/v24.0/${NUMBER.phone_number_id}/call_permissions`, headers: { authorization: `Bearer ${NUMBER.access_token}` } });
    expect(missing.json().error).toMatchObject({ code: 100, error_data: { details: 'The parameter user_wa_id is required.' } });
    expect((await act({ messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.X' }, 'wrong-token')).statusCode).toBe(401);
  });
});
