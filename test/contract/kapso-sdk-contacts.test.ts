import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { storeMessages } from '../helpers/history.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const T0 = 1767268800;
const ANN = '14155550001';
const BO = '14155550002';

type Tenant = Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;

/**
 * Every `contacts` method of Kapso's SDK 0.3.0 against Switchboard, served from its store
 * (kapso-api.md §6.3): `list` with its filters and paging, `get`, and `update` whose effect the
 * next `get` shows. Contacts come from the stored history and from a customer writing through
 * the simulator.
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api contacts through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Tenant;
  let client: WhatsAppClient;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    client = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
    await storeMessages(env.gw, t.phoneNumberId, [
      { id: 'wamid.ann.1', timestamp: T0, waId: ANN, profileName: 'Ann', body: 'hello' },
      { id: 'wamid.bo.1', timestamp: T0 + 120, waId: BO, profileName: 'Bo', body: 'is it open?' },
    ]);
  });
  afterAll(() => env.close());

  it('lists, gets and updates contacts', async () => {
    const listed = await client.contacts.list({ phoneNumberId: t.phoneNumberId, waId: `+${ANN}` });
    expect(listed.data).toEqual([expect.objectContaining({ waId: ANN, profileName: 'Ann' })]);
    expect(await client.contacts.list({ phoneNumberId: t.phoneNumberId, hasCustomer: true })).toMatchObject({ data: [] });
    const update = await client.contacts.update({ phoneNumberId: t.phoneNumberId, waId: ANN, displayName: 'Ann (VIP)', metadata: { tier: 'gold' } });
    expect(update).toEqual({ success: true });
    expect(await client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: ANN })).toMatchObject({ waId: ANN, displayName: 'Ann (VIP)', metadata: { tier: 'gold' } });
  });

  it('pages list with limit and after', async () => {
    const first = await client.contacts.list({ phoneNumberId: t.phoneNumberId, limit: 1 });
    expect(first.data).toHaveLength(1);
    const second = await client.contacts.list({ phoneNumberId: t.phoneNumberId, limit: 1, after: first.paging.cursors.after as string });
    expect(second.data).toHaveLength(1);
    expect([first.data[0]?.waId, second.data[0]?.waId].sort()).toEqual([ANN, BO]);
  });

  it('update merges the metadata (null removes a key) and sets the profile name, as get then shows', async () => {
    await client.contacts.update({ phoneNumberId: t.phoneNumberId, waId: BO, metadata: { tags: ['wholesale'], since: 2024, region: 'north' } });
    await client.contacts.update({ phoneNumberId: t.phoneNumberId, waId: BO, profileName: 'Bo Lind', metadata: { tags: ['retail'], region: null } });
    const bo = await client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: BO });
    expect(bo).toMatchObject({ waId: BO, profileName: 'Bo Lind' });
    expect(bo.metadata).toEqual({ tags: ['retail'], since: 2024 });
  });

  it('gets the contact of a customer who wrote through Meta', async () => {
    const customer = '14155550003';
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: customer, profile_name: 'Cy', message: { type: 'text', text: { body: 'hi' } } });
    await env.sim.flush();
    expect(await client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: customer })).toMatchObject({ waId: customer, profileName: 'Cy' });
  });

  it('surfaces an unknown contact as a GraphApiError with HTTP 404, for get and update', async () => {
    for (const call of [() => client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: '19995550000' }), () => client.contacts.update({ phoneNumberId: t.phoneNumberId, waId: '19995550000', displayName: 'Nobody' })]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphApiError);
      expect(error).toMatchObject({ code: 100, httpStatus: 404 });
    }
  });

  it('answers another project’s number exactly like an unknown one, and changes nothing', async () => {
    const other = await env.newTenant();
    const foreign = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: other.apiKey, graphVersion: 'v24.0' });
    expect(await foreign.contacts.list({ phoneNumberId: t.phoneNumberId }).catch((e: unknown) => e)).toMatchObject({ code: 100, httpStatus: 404 });
    expect(await foreign.contacts.get({ phoneNumberId: t.phoneNumberId, waId: ANN }).catch((e: unknown) => e)).toMatchObject({ code: 100, httpStatus: 404 });
    expect(await foreign.contacts.update({ phoneNumberId: t.phoneNumberId, waId: ANN, displayName: 'Hijacked' }).catch((e: unknown) => e)).toMatchObject({ code: 100, httpStatus: 404 });
    expect(await client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: ANN })).toMatchObject({ displayName: 'Ann (VIP)' });
  });
});
