import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { callsWebhook, inboundConnect, terminateItem } from '../helpers/call-webhooks.ts';

const T = 1767268800;

/** `GET /{phone_number_id}/calls`: Kapso's call history (kapso-api.md §6.7.2). */
describe.each(dialects)('list calls (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let other: Awaited<ReturnType<typeof newTenant>>;
  const list = (query = '', tenant = t, phoneNumberId = tenant.phoneNumberId) =>
    gw.app.inject({ method: 'GET', url: `/v24.0/${phoneNumberId}/calls${query}`, headers: { 'x-api-key': tenant.apiKey } });
  const ids = async (query: string) => ((await list(query)).json().data as Array<{ call_id: string }>).map((c) => c.call_id);

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    other = await newTenant(gw);
    // Four calls a minute apart: two inbound (one completed), two outbound (one answered).
    const calls = [
      inboundConnect('wacid.c1', T),
      terminateItem('wacid.c1', { timestamp: T + 30, status: 'COMPLETED', start: T + 5, end: T + 30, duration: 25 }),
      { id: 'wacid.c2', from: '15550102030', to: '14155550222', event: 'connect', timestamp: String(T + 60), direction: 'BUSINESS_INITIATED' },
      inboundConnect('wacid.c3', T + 120, '14155550333'),
    ];
    const statuses = [{ id: 'wacid.c4', timestamp: String(T + 180), type: 'call', status: 'ACCEPTED', recipient_id: '14155550444' }];
    expect((await postWebhook(gw, callsWebhook(t.phoneNumberId, { calls, statuses }), t.appSecret)).statusCode).toBe(200);
    await postWebhook(gw, callsWebhook(other.phoneNumberId, { calls: [inboundConnect('wacid.foreign', T)] }), other.appSecret);
  });
  afterAll(() => gw.close());

  it('lists a number’s calls newest first in the Kapso envelope', async () => {
    const res = await list();
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((c: { call_id: string }) => c.call_id)).toEqual(['wacid.c4', 'wacid.c3', 'wacid.c2', 'wacid.c1']);
    expect(res.json().paging).toEqual({ cursors: { before: null, after: null }, next: null, previous: null });
  });

  it('pages with limit and the after/before cursors it returns', async () => {
    const first = (await list('?limit=3')).json();
    expect(first.data.map((c: { call_id: string }) => c.call_id)).toEqual(['wacid.c4', 'wacid.c3', 'wacid.c2']);
    const second = (await list(`?limit=3&after=${first.paging.cursors.after}`)).json();
    expect(second.data.map((c: { call_id: string }) => c.call_id)).toEqual(['wacid.c1']);
    expect(second.paging.cursors.after).toBeNull();
    const back = (await list(`?limit=3&before=${second.paging.cursors.before}`)).json();
    expect(back.data.map((c: { call_id: string }) => c.call_id)).toEqual(['wacid.c4', 'wacid.c3', 'wacid.c2']);
  });

  it.each([
    ['?direction=inbound', ['wacid.c3', 'wacid.c1']],
    ['?direction=OUTBOUND', ['wacid.c4', 'wacid.c2']],
    ['?status=completed', ['wacid.c1']],
    ['?status=Answered', ['wacid.c4']],
    ['?direction=inbound&status=ringing', ['wacid.c3']],
    [`?since=${T + 60}&until=${new Date((T + 120) * 1000).toISOString()}`, ['wacid.c3', 'wacid.c2']],
    ['?call_id=wacid.c2', ['wacid.c2']],
    ['?call_id=wacid.foreign', []],
  ])('filters with %s', async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it('finds a call by its own id as well as by Meta’s call id', async () => {
    const [c3] = (await list('?call_id=wacid.c3')).json().data as Array<{ id: string }>;
    expect(await ids(`?call_id=${c3?.id}`)).toEqual(['wacid.c3']);
  });

  it.each([
    ['?direction=sideways', 'direction'],
    ['?status=busy', 'status'],
    ['?since=yesterday', 'since'],
    ['?limit=101', 'limit'],
    ['?after=forged.cursor', 'after'],
  ])('answers %s with 400 naming %s', async (query, parameter) => {
    const res = await list(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException', error_data: { details: expect.stringContaining(parameter) } });
  });

  it('answers another project’s number exactly like an unknown one', async () => {
    const foreign = await list('', t, other.phoneNumberId);
    const missing = await list('', t, '999000999000999');
    expectIndistinguishable(foreign, missing, { foreign: other.phoneNumberId, missing: '999000999000999' });
  });

  it('does not accept a cursor issued for another number', async () => {
    const page = (await list('?limit=1')).json();
    const res = await list(`?after=${page.paging.cursors.after}`, other);
    expect(res.statusCode).toBe(400);
  });

  it('requires a project key', async () => {
    await expectAuthRequired(gw, { method: 'GET', url: `/v24.0/${t.phoneNumberId}/calls` });
  });
});
