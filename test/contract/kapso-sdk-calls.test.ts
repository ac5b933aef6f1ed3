import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550123';
const CALLER = '14155550188';
const SESSION = { sdpType: 'answer', sdp: 'v=0' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Every method of the SDK's CallsResource (0.3.0) through Switchboard, whose Graph API is the
 * simulator: the calling actions reach Meta and come back as Meta answers them, and the call log
 * they and Meta's webhooks build is what `calls.list` and `calls.get` read (kapso-api.md §6.7).
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api calls through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let other: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let client: WhatsAppClient;
  const get = (callId: string) => client.calls.get({ phoneNumberId: t.phoneNumberId, callId });
  /** Meta's side has delivered every webhook and the gateway has answered (stored) each one. */
  const settled = () => env.sim.flush();

  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    other = await env.newTenant();
    client = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
  });
  afterAll(() => env.close());

  it('connect places an outbound call that the log follows to answered, and terminate completes it', async () => {
    const res = await client.calls.connect({ phoneNumberId: t.phoneNumberId, to: `+${CUSTOMER}`, session: { sdpType: 'offer', sdp: 'v=0' }, bizOpaqueCallbackData: 'order-4471' });
    const callId = res.calls?.[0]?.id as string;
    expect(res).toEqual({ messagingProduct: 'whatsapp', calls: [{ id: expect.stringMatching(/^wacid\./) }] });
    expect(env.sim.state.calls.get(callId)).toMatchObject({ phoneNumberId: t.phoneNumberId, waId: CUSTOMER, direction: 'outbound' });
    await settled();
    expect(await get(callId)).toMatchObject({ id: expect.stringMatching(UUID), callId, direction: 'outbound', status: 'answered', userWaId: CUSTOMER, bizOpaqueCallbackData: 'order-4471', phoneNumberId: t.phoneNumberId });

    expect(await client.calls.terminate({ phoneNumberId: t.phoneNumberId, callId })).toEqual({ messagingProduct: 'whatsapp', success: true });
    await settled();
    const ended = await get(callId);
    expect(ended).toMatchObject({ callId, status: 'completed', durationSeconds: expect.any(Number), endedAt: expect.any(String), sessionStartedAt: expect.any(String) });
    // One row for the call, whatever reached the log first: the connect answer or Meta's webhooks.
    expect((await client.calls.list({ phoneNumberId: t.phoneNumberId, callId })).data).toHaveLength(1);
  });

  it('preAccept and accept answer a customer’s call, which the log shows answered', async () => {
    const { id: callId } = env.sim.injectCall({ phone_number_id: t.phoneNumberId, from: CALLER, profile_name: 'Ravi' });
    await settled();
    expect(await get(callId)).toMatchObject({ callId, direction: 'inbound', status: 'ringing', userWaId: CALLER });
    expect(await client.calls.preAccept({ phoneNumberId: t.phoneNumberId, callId, session: SESSION })).toEqual({ messagingProduct: 'whatsapp', success: true });
    expect(await client.calls.accept({ phoneNumberId: t.phoneNumberId, callId, session: SESSION, bizOpaqueCallbackData: 'desk-2' })).toEqual({ messagingProduct: 'whatsapp', success: true });
    expect(await get(callId)).toMatchObject({ status: 'answered', sessionStartedAt: expect.any(String) });
    env.sim.hangUp(callId);
    await settled();
    expect(await get(callId)).toMatchObject({ status: 'completed', durationSeconds: expect.any(Number) });
  });

  it('reject declines a customer’s call, which the log shows failed', async () => {
    const { id: callId } = env.sim.injectCall({ phone_number_id: t.phoneNumberId, from: CALLER });
    await settled();
    expect(await client.calls.reject({ phoneNumberId: t.phoneNumberId, callId })).toEqual({ messagingProduct: 'whatsapp', success: true });
    await settled();
    expect(await get(callId)).toMatchObject({ direction: 'inbound', status: 'failed', durationSeconds: 0 });
  });

  it('permissions.get reads the customer’s call permission as Meta answers it', async () => {
    const res = await client.calls.permissions.get({ phoneNumberId: t.phoneNumberId, userWaId: CALLER });
    expect(res).toMatchObject({
      messagingProduct: 'whatsapp',
      permission: { status: 'temporary', expirationTime: expect.any(Number) },
      actions: [
        { actionName: 'send_call_permission_request', canPerformAction: false, limits: [{ timePeriod: 'PT24H', maxAllowed: 1, currentUsage: 0 }] },
        { actionName: 'start_call', canPerformAction: true, limits: [expect.objectContaining({ timePeriod: 'PT24H' })] },
      ],
    });
    expect((await client.calls.permissions.get({ phoneNumberId: t.phoneNumberId, userWaId: '14155550999' })).permission).toEqual({ status: 'no_permission' });
  });

  it('list filters the log as the SDK sends it (direction upper-cased) and pages it', async () => {
    const inbound = await client.calls.list({ phoneNumberId: t.phoneNumberId, direction: 'INBOUND', limit: 1 });
    expect(inbound.data).toHaveLength(1);
    expect(inbound.data[0]).toMatchObject({ direction: 'inbound', whatsappContactId: null });
    const next = await client.calls.list({ phoneNumberId: t.phoneNumberId, direction: 'INBOUND', limit: 1, after: inbound.paging.cursors.after as string });
    expect(next.data).toHaveLength(1);
    expect(next.data[0]?.id).not.toBe(inbound.data[0]?.id);
    expect((await client.calls.list({ phoneNumberId: t.phoneNumberId, status: 'completed' })).data.map((c) => c.direction).sort()).toEqual(['inbound', 'outbound']);
    expect((await client.calls.list({ phoneNumberId: t.phoneNumberId, since: '2099-01-01T00:00:00Z' })).data).toEqual([]);
  });

  it('get finds a call by the id list returned, and answers undefined for an unknown one', async () => {
    const [first] = (await client.calls.list({ phoneNumberId: t.phoneNumberId, limit: 1 })).data;
    expect(await get(first?.id as string)).toEqual(first);
    expect(await get('wacid.never-placed')).toBeUndefined();
  });

  it('another project’s key cannot read or act on the number’s calls', async () => {
    const intruder = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: other.apiKey, graphVersion: 'v24.0' });
    const [call] = (await client.calls.list({ phoneNumberId: t.phoneNumberId, limit: 1 })).data;
    const refused = [
      () => intruder.calls.get({ phoneNumberId: t.phoneNumberId, callId: call?.id as string }),
      () => intruder.calls.terminate({ phoneNumberId: t.phoneNumberId, callId: call?.callId as string }),
      () => intruder.calls.connect({ phoneNumberId: t.phoneNumberId, to: CUSTOMER }),
      () => intruder.calls.permissions.get({ phoneNumberId: t.phoneNumberId, userWaId: CUSTOMER }),
    ];
    for (const attempt of refused) {
      await expect(attempt()).rejects.toSatisfy((e: unknown) => e instanceof GraphApiError && e.httpStatus === 404);
    }
    // And its own number's log holds none of them.
    expect((await intruder.calls.list({ phoneNumberId: other.phoneNumberId })).data).toEqual([]);
    expect([...env.sim.state.calls.values()].filter((c) => c.phoneNumberId === other.phoneNumberId)).toEqual([]);
  });

  it('Meta’s refusals come back to the SDK unchanged: an unknown call id', async () => {
    const attempt = client.calls.accept({ phoneNumberId: t.phoneNumberId, callId: 'wacid.never-placed', session: SESSION });
    await expect(attempt).rejects.toSatisfy((e: unknown) => e instanceof GraphApiError && e.httpStatus === 400 && e.code === 100);
  });
});
