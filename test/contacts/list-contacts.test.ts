import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, getWithKey, storeMessages } from '../helpers/history.ts';

const T0 = 1767268800;
const CUSTOMER = randomUUID();

describe.each(dialects)('GET /{version}/{phone_number_id}/contacts (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  const list = (query = '', who = t) => getWithKey(gw, who.apiKey, `/v24.0/${who.phoneNumberId}/contacts${query}`);
  const waIds = (res: { json(): { data: Array<{ wa_id: string }> } }) => res.json().data.map((c) => c.wa_id);

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    // Created a minute apart, oldest first: Ann, Bo, Cy.
    for (const [i, [waId, name]] of [['14155550001', 'Ann'], ['14155550002', 'Bo'], ['14155550003', 'Cy']].entries()) {
      await storeMessages(gw, t.phoneNumberId, [{ id: `wamid.${i}`, timestamp: T0 + i, waId: waId as string, profileName: name as string }]);
      gw.clock.advance(60_000);
    }
    // No route links a contact to a Kapso customer yet; the Platform API will.
    await gw.deps.database.db.updateTable('contacts').set({ customer_id: CUSTOMER }).where('phone_number_id', '=', t.phoneNumberId).where('wa_id', '=', '14155550002').execute();
  });
  afterAll(() => gw.close());

  describe('happy path', () => {
    it('answers the number’s contacts, newest first, in the data/paging envelope', async () => {
      const res = await list();
      expect(res.statusCode).toBe(200);
      expect(waIds(res)).toEqual(['14155550003', '14155550002', '14155550001']);
      expect(res.json().data[2]).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        wa_id: '14155550001',
        business_scoped_user_id: null,
        parent_business_scoped_user_id: null,
        username: null,
        country_code: null,
        profile_name: 'Ann',
        display_name: null,
        customer_id: null,
        metadata: {},
        created_at: '2026-01-01T12:00:00.000000Z',
        updated_at: '2026-01-01T12:00:00.000000Z',
      });
      expect(res.json().paging).toEqual({ cursors: { before: null, after: null }, next: null, previous: null });
    });

    it.each<[string, string, string[]]>([
      ['wa_id', 'wa_id=14155550001', ['14155550001']],
      ['wa_id written in E.164 with spaces', `wa_id=${encodeURIComponent('+1 415 555 0003')}`, ['14155550003']],
      ['an unknown wa_id', 'wa_id=19999999999', []],
      ['customer_id', `customer_id=${CUSTOMER}`, ['14155550002']],
      ['another customer_id', `customer_id=${randomUUID()}`, []],
      ['has_customer=true', 'has_customer=true', ['14155550002']],
      ['has_customer=false', 'has_customer=false', ['14155550003', '14155550001']],
      ['wa_id and has_customer', 'wa_id=14155550002&has_customer=false', []],
      ['fields, which contacts accept and ignore', 'fields=kapso(contact_name)', ['14155550003', '14155550002', '14155550001']],
    ])('filters by %s', async (_label, query, expected) => {
      const res = await list(`?${query}`);
      expect(res.statusCode).toBe(200);
      expect(waIds(res)).toEqual(expected);
    });

    it('pages with limit and links the pages both ways', async () => {
      const first = (await list('?limit=2')).json();
      expect(first.data.map((c: { wa_id: string }) => c.wa_id)).toEqual(['14155550003', '14155550002']);
      const second = (await getWithKey(gw, t.apiKey, first.paging.next)).json();
      expect(second.data.map((c: { wa_id: string }) => c.wa_id)).toEqual(['14155550001']);
      expect(second.paging.next).toBeNull();
      expect((await getWithKey(gw, t.apiKey, second.paging.previous)).json().data).toEqual(first.data);
    });
  });

  describe('errors', () => {
    it.each<[string, string]>([
      ['wa_id=abc', 'wa_id'],
      ['customer_id=123', 'customer_id'],
      ['has_customer=yes', 'has_customer'],
      ['limit=0', 'limit'],
      ['before=x.y', 'before'],
      ['fields=kapso(', 'fields'],
    ])('answers 400 naming the parameter for %s', async (query, parameter) => {
      expectInvalidParameter(await list(`?${query}`), parameter);
    });
  });

  describe('security', () => {
    it('requires a valid project key', async () => {
      await expectAuthRequired(gw, { method: 'GET', url: `/v24.0/${t.phoneNumberId}/contacts` });
    });

    it("answers another project's phone number exactly as a number that does not exist", async () => {
      const stranger = await newTenant(gw);
      const foreign = await getWithKey(gw, stranger.apiKey, `/v24.0/${t.phoneNumberId}/contacts`);
      const missing = await getWithKey(gw, stranger.apiKey, '/v24.0/100000000000001/contacts');
      expectIndistinguishable(foreign, missing, { foreign: t.phoneNumberId, missing: '100000000000001' });
    });

    it("refuses another project's cursor instead of answering its rows", async () => {
      const stranger = await newTenant(gw);
      const { after } = (await list('?limit=1')).json().paging.cursors;
      expectInvalidParameter(await getWithKey(gw, stranger.apiKey, `/v24.0/${stranger.phoneNumberId}/contacts?after=${after}`), 'after');
    });
  });
});
