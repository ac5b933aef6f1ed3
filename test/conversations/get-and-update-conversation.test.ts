import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newPhoneNumber, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, getWithKey, storeMessages } from '../helpers/history.ts';

const T0 = 1767268800;
const MISSING = '00000000-0000-4000-8000-000000000000';

describe.each(dialects)('GET and PATCH /{version}/conversations/{conversation_id} (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;

  const patch = (id: string, payload: unknown, apiKey = t.apiKey) =>
    gw.app.inject({ method: 'PATCH', url: `/v24.0/conversations/${id}`, headers: { 'x-api-key': apiKey }, payload: payload as object });

  /** A fresh conversation of `who` (by default the shared tenant), returned by id. */
  const newConversation = async (who = t) => {
    const wamid = `wamid.${Math.random().toString(36).slice(2)}`;
    await storeMessages(gw, who.phoneNumberId, [{ id: wamid, timestamp: T0, waId: `1415${Math.floor(Math.random() * 1e7)}` }]);
    const res = await getMessage(gw, who.apiKey, who.phoneNumberId, wamid, '?fields=kapso(whatsapp_conversation_id)');
    return res.json().kapso.whatsapp_conversation_id as string;
  };

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
  });
  afterAll(() => gw.close());

  describe('happy path', () => {
    it('answers the bare conversation on both documented paths', async () => {
      const id = await newConversation();
      const short = await getWithKey(gw, t.apiKey, `/v24.0/conversations/${id}`);
      const long = await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/conversations/${id}`);
      expect(short.statusCode).toBe(200);
      expect(short.json()).toMatchObject({ id, status: 'active', phone_number_id: t.phoneNumberId, kapso: { messages_count: 1 } });
      expect(long.json()).toEqual(short.json());
    });

    it('narrows the kapso block with fields', async () => {
      const id = await newConversation();
      const res = await getWithKey(gw, t.apiKey, `/v24.0/conversations/${id}?fields=kapso(messages_count)`);
      expect(res.json().kapso).toEqual({ messages_count: 1 });
    });

    it('ends a conversation and answers { success: true }', async () => {
      const id = await newConversation();
      gw.clock.advance(1_000);
      const res = await patch(id, { status: 'ended' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ success: true });
      const after = (await getWithKey(gw, t.apiKey, `/v24.0/conversations/${id}`)).json();
      expect(after).toMatchObject({ status: 'ended', updated_at: new Date(gw.clock.now()).toISOString().replace('Z', '000Z') });
    });

    it('changes nothing when a conversation already has the status asked for', async () => {
      const id = await newConversation();
      await patch(id, { status: 'ended' });
      const before = (await getWithKey(gw, t.apiKey, `/v24.0/conversations/${id}`)).json();
      gw.clock.advance(60_000);
      expect((await patch(id, { status: 'ended' })).json()).toEqual({ success: true });
      expect((await getWithKey(gw, t.apiKey, `/v24.0/conversations/${id}`)).json()).toEqual(before);
    });

    it('reopens an ended conversation and restarts its inactivity clock', async () => {
      const id = await newConversation();
      await patch(id, { status: 'ended' });
      gw.clock.advance(48 * 3_600_000);
      expect((await patch(id, { status: 'active' })).json()).toEqual({ success: true });
      const reopened = (await getWithKey(gw, t.apiKey, `/v24.0/conversations/${id}`)).json();
      expect(reopened).toMatchObject({ status: 'active', last_active_at: new Date(gw.clock.now()).toISOString().replace('Z', '000Z') });
    });
  });

  describe('errors', () => {
    it.each<[string, unknown, string]>([
      ['an unknown status', { status: 'closed' }, 'status'],
      ['no status', {}, 'status'],
      ['a status that is not a string', { status: true }, 'status'],
      ['an unknown key', { status: 'ended', reason: 'spam' }, 'reason'],
    ])('answers 400 naming the parameter for %s', async (_label, body, parameter) => {
      expectInvalidParameter(await patch(await newConversation(), body), parameter);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await gw.app.inject({
        method: 'PATCH',
        url: `/v24.0/conversations/${MISSING}`,
        headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
        payload: '{"status":',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException' });
    });

    it.each([
      ['GET', `/v24.0/conversations/${MISSING}`],
      ['GET', `/v24.0/conversations/not-a-uuid`],
      ['PATCH', `/v24.0/conversations/${MISSING}`],
    ] as const)('answers 404 in the envelope for %s of a conversation that does not exist', async (method, url) => {
      const res = await gw.app.inject({ method, url, headers: { 'x-api-key': t.apiKey }, ...(method === 'PATCH' ? { payload: { status: 'ended' } } : {}) });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 100, type: 'GraphMethodException', error_subcode: 33 });
    });

    it("answers 404 on the number path for a conversation of another of the project's numbers", async () => {
      const id = await newConversation();
      const second = await newPhoneNumber(gw, t.projectId);
      const res = await getWithKey(gw, t.apiKey, `/v24.0/${second.phoneNumberId}/conversations/${id}`);
      expect(res.statusCode).toBe(404);
    });
  });

  describe('security', () => {
    it.each([
      ['GET', 'conversations/x'],
      ['PATCH', 'conversations/x'],
    ] as const)('requires a valid project key for %s', async (method, path) => {
      await expectAuthRequired(gw, { method, url: `/v24.0/${path}`, ...(method === 'PATCH' ? { payload: { status: 'ended' } } : {}) });
    });

    it('requires a valid project key on the number path', async () => {
      await expectAuthRequired(gw, { method: 'GET', url: `/v24.0/${t.phoneNumberId}/conversations/x` });
    });

    it("answers another project's conversation exactly as one that does not exist", async () => {
      const id = await newConversation();
      const stranger = await newTenant(gw);
      const foreign = await getWithKey(gw, stranger.apiKey, `/v24.0/conversations/${id}`);
      const missing = await getWithKey(gw, stranger.apiKey, `/v24.0/conversations/${MISSING}`);
      expectIndistinguishable(foreign, missing, { foreign: id, missing: MISSING });
      const onNumber = await getWithKey(gw, stranger.apiKey, `/v24.0/${stranger.phoneNumberId}/conversations/${id}`);
      expectIndistinguishable(onNumber, missing, { foreign: id, missing: MISSING });
    });

    it("cannot end another project's conversation, and cannot tell it exists", async () => {
      const id = await newConversation();
      const stranger = await newTenant(gw);
      const foreign = await patch(id, { status: 'ended' }, stranger.apiKey);
      const missing = await patch(MISSING, { status: 'ended' }, stranger.apiKey);
      expectIndistinguishable(foreign, missing, { foreign: id, missing: MISSING });
      expect((await getWithKey(gw, t.apiKey, `/v24.0/conversations/${id}`)).json().status).toBe('active');
    });
  });
});
