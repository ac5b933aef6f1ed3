import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newPhoneNumber, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, getWithKey, storeMessages } from '../helpers/history.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z
const micro = (sec: number) => new Date(sec * 1000).toISOString().replace('Z', '000Z');

describe.each(dialects)('GET /{version}/{phone_number_id}/conversations (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  /** Conversation ids of customers Ann, Bo (ended) and Cy. */
  let ann: string;
  let bo: string;
  let cy: string;
  const list = (query = '', who = t) => getWithKey(gw, who.apiKey, `/v24.0/${who.phoneNumberId}/conversations${query}`);
  const ids = (res: { json(): { data: Array<{ id: string }> } }) => res.json().data.map((c) => c.id);

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [
      { id: 'ann.1', timestamp: T0, waId: '14155550001', profileName: 'Ann' },
      { id: 'bo.1', timestamp: T0 + 60, waId: '14155550002', profileName: 'Bo' },
      { id: 'cy.1', timestamp: T0 + 120, waId: '14155550003', profileName: 'Cy', body: 'where is my order?' },
      { id: 'cy.2', timestamp: T0 + 180, waId: '14155550003', direction: 'outbound', body: 'on its way' },
    ]);
    const conversation = async (wamid: string) =>
      (await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso(whatsapp_conversation_id)')).json().kapso.whatsapp_conversation_id as string;
    [ann, bo, cy] = [await conversation('ann.1'), await conversation('bo.1'), await conversation('cy.1')];
    const ended = await gw.app.inject({ method: 'PATCH', url: `/v24.0/conversations/${bo}`, headers: { 'x-api-key': t.apiKey }, payload: { status: 'ended' } });
    expect(ended.statusCode).toBe(200);
  });
  afterAll(() => gw.close());

  describe('happy path', () => {
    it('answers the number’s conversations, most recently active first, with the kapso set', async () => {
      const res = await list();
      expect(res.statusCode).toBe(200);
      expect(ids(res)).toEqual([cy, bo, ann]);
      expect(res.json().data[0]).toEqual({
        id: cy,
        phone_number: '14155550003',
        business_scoped_user_id: null,
        parent_business_scoped_user_id: null,
        username: null,
        status: 'active',
        last_active_at: micro(T0 + 180),
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
        updated_at: expect.stringMatching(/\.\d{6}Z$/),
        whatsapp_config_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        phone_number_id: t.phoneNumberId,
        metadata: {},
        kapso: {
          contact_name: 'Cy',
          messages_count: 2,
          last_message_id: 'cy.2',
          last_message_type: 'text',
          last_message_timestamp: micro(T0 + 180),
          last_message_text: 'on its way',
          last_inbound_at: micro(T0 + 120),
          last_outbound_at: micro(T0 + 180),
        },
      });
      expect(res.json().paging).toEqual({ cursors: { before: null, after: null }, next: null, previous: null });
    });

    it('says null for a direction the conversation has no message in', async () => {
      const [annRow] = (await list(`?phone_number=14155550001`)).json().data;
      expect(annRow.kapso).toMatchObject({ last_inbound_at: micro(T0), last_outbound_at: null });
    });

    it.each<[string, () => string, () => string[]]>([
      ['status=active', () => 'status=active', () => [cy, ann]],
      ['status=ended', () => 'status=ended', () => [bo]],
      ['last_active_since as Unix seconds', () => `last_active_since=${T0 + 60}`, () => [cy, bo]],
      ['last_active_until as ISO 8601', () => `last_active_until=${micro(T0 + 60)}`, () => [bo, ann]],
      ['phone_number in E.164', () => `phone_number=${encodeURIComponent('+1 415-555-0002')}`, () => [bo]],
      ['phone_number as digits', () => 'phone_number=14155550003', () => [cy]],
      ['status and last_active_since', () => `status=active&last_active_since=${T0 + 1}`, () => [cy]],
      ['status, bounds and phone_number', () => `status=ended&last_active_since=${T0}&last_active_until=${T0 + 120}&phone_number=14155550002`, () => [bo]],
      ['a phone_number with no conversation', () => 'phone_number=19999999999', () => []],
      ['assigned_user_id, which is ignored', () => 'assigned_user_id=abc&status=active', () => [cy, ann]],
    ])('filters by %s', async (_label, query, expected) => {
      const res = await list(`?${query()}`);
      expect(res.statusCode).toBe(200);
      expect(ids(res)).toEqual(expected());
    });

    it('answers the six keys the inbox asks for and nothing else', async () => {
      const fields = 'kapso(contact_name,messages_count,last_message_type,last_message_text,last_inbound_at,last_outbound_at)';
      const [first] = (await list(`?fields=${encodeURIComponent(fields)}&limit=1`)).json().data;
      expect(Object.keys(first.kapso).sort()).toEqual(['contact_name', 'last_inbound_at', 'last_message_text', 'last_message_type', 'last_outbound_at', 'messages_count']);
    });

    it.each<[string, (row: Record<string, unknown>) => void]>([
      ['kapso()', (row) => expect(row).not.toHaveProperty('kapso')],
      ['kapso(all)', (row) => expect(Object.keys(row.kapso as object)).toHaveLength(8)],
      ['kapso(default,messages_count)', (row) => expect(Object.keys(row.kapso as object)).toHaveLength(8)],
      ['status,kapso(messages_count)', (row) => expect(row).toEqual({ id: cy, status: 'active', kapso: { messages_count: 2 } })],
    ])('projects each item through fields=%s', async (fields, check) => {
      const [first] = (await list(`?fields=${encodeURIComponent(fields)}&limit=1`)).json().data;
      check(first);
    });

    it('pages with limit and links the pages both ways', async () => {
      const first = (await list('?limit=2')).json();
      expect(first.data.map((c: { id: string }) => c.id)).toEqual([cy, bo]);
      expect(first.paging.next).toMatch(new RegExp(`^${gw.deps.config.http.publicUrl}/v24.0/${t.phoneNumberId}/conversations\\?limit=2&after=`));
      const second = (await getWithKey(gw, t.apiKey, first.paging.next)).json();
      expect(second.data.map((c: { id: string }) => c.id)).toEqual([ann]);
      expect(second.paging.next).toBeNull();
      const back = (await getWithKey(gw, t.apiKey, second.paging.previous)).json();
      expect(back.data.map((c: { id: string }) => c.id)).toEqual([cy, bo]);
    });
  });

  describe('errors', () => {
    it.each<[string, string]>([
      ['status=closed', 'status'],
      ['status=inactive', 'status'],
      ['last_active_since=soon', 'last_active_since'],
      ['last_active_until=2026-13-01', 'last_active_until'],
      ['phone_number=abc', 'phone_number'],
      ['limit=0', 'limit'],
      ['limit=500', 'limit'],
      ['after=abc.def', 'after'],
      ['fields=kapso(a,,b)', 'fields'],
    ])('answers 400 naming the parameter for %s', async (query, parameter) => {
      expectInvalidParameter(await list(`?${query}`), parameter);
    });

    it('answers 400 for a cursor issued by the message list', async () => {
      const { after } = (await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/messages?limit=1`)).json().paging.cursors;
      expectInvalidParameter(await list(`?after=${after}`), 'after');
    });

    it("answers 400 for a cursor issued for another of the project's numbers", async () => {
      const second = await newPhoneNumber(gw, t.projectId);
      const { after } = (await list('?limit=1')).json().paging.cursors;
      expectInvalidParameter(await getWithKey(gw, t.apiKey, `/v24.0/${second.phoneNumberId}/conversations?after=${after}`), 'after');
    });
  });

  describe('security', () => {
    it('requires a valid project key', async () => {
      await expectAuthRequired(gw, { method: 'GET', url: `/v24.0/${t.phoneNumberId}/conversations` });
    });

    it("answers another project's phone number exactly as a number that does not exist", async () => {
      const stranger = await newTenant(gw);
      const foreign = await getWithKey(gw, stranger.apiKey, `/v24.0/${t.phoneNumberId}/conversations`);
      const missing = await getWithKey(gw, stranger.apiKey, '/v24.0/100000000000001/conversations');
      expectIndistinguishable(foreign, missing, { foreign: t.phoneNumberId, missing: '100000000000001' });
    });

    it("refuses another project's cursor instead of answering its rows", async () => {
      const stranger = await newTenant(gw);
      const { after } = (await list('?limit=1')).json().paging.cursors;
      expectInvalidParameter(await getWithKey(gw, stranger.apiKey, `/v24.0/${stranger.phoneNumberId}/conversations?after=${after}`), 'after');
    });
  });
});
