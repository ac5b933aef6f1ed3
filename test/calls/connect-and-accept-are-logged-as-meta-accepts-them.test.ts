import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { postWebhook } from '../helpers/factories.ts';
import { callsWebhook, inboundConnect } from '../helpers/call-webhooks.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const SESSION = { sdp_type: 'answer', sdp: 'v=0' };

/**
 * What the gateway logs from Meta's answers alone, before (or without) any webhook: Meta's side
 * here sends its webhooks nowhere, so every row read back was written by the calling route.
 */
describe.each(dialects)('connect and accept are logged as Meta accepts them (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  const act = (body: object) => env.gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/calls`, headers: { 'x-api-key': t.apiKey }, payload: body });
  const log = async () => (await env.gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/calls`, headers: { 'x-api-key': t.apiKey } })).json().data;

  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    // The same number at Meta, with no webhook target: its webhooks are logged as undeliverable.
    env.sim.registerNumber({ phone_number_id: t.phoneNumberId, display_phone_number: t.displayPhoneNumber, waba_id: t.wabaId, access_token: t.accessToken, app_secret: t.appSecret });
  });
  afterAll(() => env.close());

  it('logs a connect Meta accepted as an outbound call, initiated, under the call id Meta returned', async () => {
    const res = await act({ messaging_product: 'whatsapp', to: '+1 415-555-0123', action: 'connect', biz_opaque_callback_data: 'lead-7' });
    expect(res.statusCode).toBe(200);
    const callId = res.json().calls[0].id;
    await env.sim.flush();
    expect(await log()).toEqual([
      expect.objectContaining({ call_id: callId, direction: 'outbound', status: 'initiated', user_wa_id: '14155550123', biz_opaque_callback_data: 'lead-7', started_at: '2026-01-01T12:00:00.000000Z', ended_at: null }),
    ]);
  });

  it('logs nothing for a connect Meta refused', async () => {
    // A number whose token Meta no longer takes: Meta answers 401 (code 190), passed through.
    const revoked = await env.newTenant();
    env.sim.registerNumber({ phone_number_id: revoked.phoneNumberId, display_phone_number: revoked.displayPhoneNumber, waba_id: revoked.wabaId, access_token: 'rotated-at-meta', app_secret: revoked.appSecret });
    const res = await env.gw.app.inject({
      method: 'POST',
      url: `/v24.0/${revoked.phoneNumberId}/calls`,
      headers: { 'x-api-key': revoked.apiKey },
      payload: { messaging_product: 'whatsapp', to: '14155550123', action: 'connect' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 190 });
    const rows = await env.gw.deps.database.db.selectFrom('calls').select('id').where('phone_number_id', '=', revoked.phoneNumberId).execute();
    expect(rows).toEqual([]);
  });

  it('marks a ringing customer call answered when Meta accepts the accept', async () => {
    const { id: callId } = env.sim.injectCall({ phone_number_id: t.phoneNumberId, from: '14155550188' });
    // The connect webhook as Meta would have delivered it to the gateway.
    await postWebhook(env.gw, callsWebhook(t.phoneNumberId, { calls: [inboundConnect(callId, 1767268800, '14155550188')] }), t.appSecret);
    env.gw.clock.advance(7_000);
    expect((await act({ messaging_product: 'whatsapp', call_id: callId, action: 'accept', session: SESSION })).statusCode).toBe(200);
    const call = (await log()).find((c: { call_id: string }) => c.call_id === callId);
    expect(call).toMatchObject({ status: 'answered', session_started_at: '2026-01-01T12:00:07.000000Z' });
  });

  it('leaves the log alone when Meta refuses an accept', async () => {
    const before = await log();
    const res = await act({ messaging_product: 'whatsapp', call_id: 'wacid.unknown', action: 'accept', session: SESSION });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, error_data: { details: "Param call_id 'wacid.unknown' is not a call of this phone number." } });
    expect(await log()).toEqual(before);
  });
});
