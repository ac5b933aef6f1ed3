import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newPhoneNumber, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, getWithKey, storeMessages } from '../helpers/history.ts';
import { statusesWebhook, statusItem } from '../helpers/webhooks.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z
const A = '14155550001';
const B = '14155550002';
const iso = (sec: number) => new Date(sec * 1000).toISOString();

describe.each(dialects)('GET /{version}/{phone_number_id}/messages (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let conversationOf: Record<'A' | 'B', string>;
  const list = (query = '', who = t) => getWithKey(gw, who.apiKey, `/v24.0/${who.phoneNumberId}/messages${query}`);
  const ids = (res: { json(): { data: Array<{ id: string }> } }) => res.json().data.map((m) => m.id);

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [
      { id: 'a1', timestamp: T0, waId: A },
      { id: 'a2', timestamp: T0 + 60, waId: A, direction: 'outbound', status: 'delivered' },
      { id: 'a3', timestamp: T0 + 120, waId: A },
      { id: 'b1', timestamp: T0 + 180, waId: B, profileName: 'Bo' },
      { id: 'b2', timestamp: T0 + 240, waId: B, direction: 'outbound', status: 'failed' },
      { id: 'b3', timestamp: T0 + 300, waId: B, direction: 'outbound', status: 'read' },
    ]);
    await postWebhook(gw, statusesWebhook(t.phoneNumberId, [statusItem('b2', 'failed', T0 + 241, [{ code: 131026, title: 'Undeliverable' }])]), t.appSecret);
    const conversation = async (wamid: string) =>
      (await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso(whatsapp_conversation_id)')).json().kapso.whatsapp_conversation_id as string;
    conversationOf = { A: await conversation('a1'), B: await conversation('b1') };
  });
  afterAll(() => gw.close());

  describe('happy path', () => {
    it('answers every message of the number newest first in the data/paging envelope', async () => {
      const res = await list();
      expect(res.statusCode).toBe(200);
      expect(ids(res)).toEqual(['b3', 'b2', 'b1', 'a3', 'a2', 'a1']);
      expect(res.json().paging).toEqual({ cursors: { before: null, after: null }, next: null, previous: null });
    });

    it('renders each item as GET by id does', async () => {
      const [first] = (await list('?limit=1')).json().data;
      expect(first).toEqual((await getMessage(gw, t.apiKey, t.phoneNumberId, 'b3')).json());
    });

    it.each<[string, () => string, string[]]>([
      ['direction=inbound', () => 'direction=inbound', ['b1', 'a3', 'a1']],
      ['direction=outbound', () => 'direction=outbound', ['b3', 'b2', 'a2']],
      ['status=failed', () => 'status=failed', ['b2']],
      ['status=received', () => 'status=received', ['b1', 'a3', 'a1']],
      ['since as Unix seconds', () => `since=${T0 + 120}`, ['b3', 'b2', 'b1', 'a3']],
      ['since as ISO 8601', () => `since=${iso(T0 + 120)}`, ['b3', 'b2', 'b1', 'a3']],
      ['until as Unix seconds', () => `until=${T0 + 120}`, ['a3', 'a2', 'a1']],
      ['until in microsecond form', () => `until=2026-01-01T12:02:00.000000Z`, ['a3', 'a2', 'a1']],
      ['conversation_id', () => `conversation_id=${conversationOf.A}`, ['a3', 'a2', 'a1']],
      ['direction, since and until', () => `direction=inbound&since=${T0 + 60}&until=${iso(T0 + 200)}`, ['b1', 'a3']],
      ['conversation_id and direction', () => `conversation_id=${conversationOf.B}&direction=outbound`, ['b3', 'b2']],
      ['conversation_id and status', () => `conversation_id=${conversationOf.A}&status=read`, []],
      ['an unknown parameter the SDK forwards', () => 'direction=outbound&phone_number=1415', ['b3', 'b2', 'a2']],
    ])('filters by %s', async (_label, query, expected) => {
      const res = await list(`?${query()}`);
      expect(res.statusCode).toBe(200);
      expect(ids(res)).toEqual(expected);
    });

    it('pages with limit and links the pages with full URLs on PUBLIC_URL', async () => {
      const first = (await list('?direction=outbound&limit=2')).json();
      expect(first.data.map((m: { id: string }) => m.id)).toEqual(['b3', 'b2']);
      expect(first.paging.cursors.before).toBeNull();
      expect(first.paging.previous).toBeNull();
      expect(first.paging.next).toBe(
        `${gw.deps.config.http.publicUrl}/v24.0/${t.phoneNumberId}/messages?direction=outbound&limit=2&after=${first.paging.cursors.after}`,
      );
      const second = (await getWithKey(gw, t.apiKey, first.paging.next)).json();
      expect(second.data.map((m: { id: string }) => m.id)).toEqual(['a2']);
      expect(second.paging.next).toBeNull();
      expect(second.paging.cursors.after).toBeNull();
      const back = (await getWithKey(gw, t.apiKey, second.paging.previous)).json();
      expect(back.data).toEqual(first.data);
      expect(back.paging.previous).toBeNull();
    });

    it('answers 20 messages when no limit is given', async () => {
      const other = await newTenant(gw);
      await storeMessages(gw, other.phoneNumberId, Array.from({ length: 25 }, (_, i) => ({ id: `m${i}`, timestamp: T0 + i })));
      const res = (await list('', other)).json();
      expect(res.data).toHaveLength(20);
      expect(res.data[0].id).toBe('m24');
      expect(res.paging.next).toContain('after=');
    });

    it.each<[string, string, object]>([
      ['kapso(direction,status)', '?fields=kapso(direction,status)', { direction: 'outbound', status: 'failed' }],
      ['kapso(statuses)', '?fields=kapso(statuses)', { statuses: [expect.objectContaining({ id: 'b2', status: 'failed' })] }],
    ])('projects every item through fields=%s', async (_label, query, kapso) => {
      const res = await list(`${query}&status=failed`);
      expect(res.json().data).toEqual([expect.objectContaining({ id: 'b2', kapso })]);
    });

    it('leaves kapso out of every item for fields=kapso()', async () => {
      const res = await list('?fields=kapso()');
      for (const item of res.json().data) expect(item).not.toHaveProperty('kapso');
    });
  });

  describe('errors', () => {
    it.each<[string, string]>([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['direction=sideways', 'direction'],
      ['status=lost', 'status'],
      ['since=yesterday', 'since'],
      ['since=2026-02-30', 'since'],
      ['until=-5', 'until'],
      ['conversation_id=not-a-uuid', 'conversation_id'],
      ['after=garbage', 'after'],
      ['before=eyJ2YWx1ZXMiOlsxXX0', 'before'],
      ['fields=kapso(', 'fields'],
    ])('answers 400 naming the parameter for %s', async (query, parameter) => {
      expectInvalidParameter(await list(`?${query}`), parameter);
    });

    it('answers 400 for a cursor with one character changed', async () => {
      const after: string = (await list('?limit=1')).json().paging.cursors.after;
      for (const at of [0, after.indexOf('.') - 1, after.length - 1]) {
        const forged = after.slice(0, at) + (after[at] === 'A' ? 'B' : 'A') + after.slice(at + 1);
        expectInvalidParameter(await list(`?after=${forged}`), 'after');
      }
    });

    it('answers 400 when before and after are both given', async () => {
      const { after } = (await list('?limit=1')).json().paging.cursors;
      expectInvalidParameter(await list(`?after=${after}&before=${after}`), 'before');
    });

    it("answers 400 for a cursor issued for another of the project's numbers", async () => {
      const second = await newPhoneNumber(gw, t.projectId);
      const { after } = (await list('?limit=1')).json().paging.cursors;
      const res = await getWithKey(gw, t.apiKey, `/v24.0/${second.phoneNumberId}/messages?after=${after}`);
      expectInvalidParameter(res, 'after');
    });
  });

  describe('security', () => {
    it('requires a valid project key', async () => {
      await expectAuthRequired(gw, { method: 'GET', url: `/v24.0/${t.phoneNumberId}/messages` });
    });

    it("answers another project's phone number exactly as a number that does not exist", async () => {
      const stranger = await newTenant(gw);
      const foreign = await getWithKey(gw, stranger.apiKey, `/v24.0/${t.phoneNumberId}/messages`);
      const missing = await getWithKey(gw, stranger.apiKey, '/v24.0/100000000000001/messages');
      expectIndistinguishable(foreign, missing, { foreign: t.phoneNumberId, missing: '100000000000001' });
    });

    it("refuses another project's cursor instead of answering its rows", async () => {
      const stranger = await newTenant(gw);
      const { after } = (await list('?limit=1')).json().paging.cursors;
      expectInvalidParameter(await getWithKey(gw, stranger.apiKey, `/v24.0/${stranger.phoneNumberId}/messages?after=${after}`), 'after');
    });

    it("answers no rows for another project's conversation id", async () => {
      const stranger = await newTenant(gw);
      const res = await getWithKey(gw, stranger.apiKey, `/v24.0/${stranger.phoneNumberId}/messages?conversation_id=${conversationOf.A}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toEqual([]);
    });
  });
});
