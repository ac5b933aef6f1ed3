import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_METADATA_BYTES } from '../../src/contacts/metadata.ts';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, getWithKey, storeMessages } from '../helpers/history.ts';

const T0 = 1767268800;

describe.each(dialects)('GET and PATCH /{version}/{phone_number_id}/contacts/{wa_id} (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let customers = 0;

  /** A fresh contact of the shared tenant (or of `who`); returns its wa_id. */
  const newContact = async (who = t) => {
    customers += 1;
    const waId = `1415${String(customers).padStart(7, '0')}`;
    await storeMessages(gw, who.phoneNumberId, [{ id: `wamid.c${customers}`, timestamp: T0, waId, profileName: 'Maya Chen' }]);
    return waId;
  };
  const get = (waId: string, who = t) => getWithKey(gw, who.apiKey, `/v24.0/${who.phoneNumberId}/contacts/${waId}`);
  const patch = (waId: string, payload: unknown, who = t) =>
    gw.app.inject({ method: 'PATCH', url: `/v24.0/${who.phoneNumberId}/contacts/${waId}`, headers: { 'x-api-key': who.apiKey }, payload: payload as object });

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
  });
  afterAll(() => gw.close());

  describe('happy path', () => {
    it('answers the bare contact, also when the path writes the number in E.164', async () => {
      const waId = await newContact();
      const res = await get(waId);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ wa_id: waId, profile_name: 'Maya Chen', display_name: null, customer_id: null, metadata: {} });
      expect((await get(encodeURIComponent(`+${waId}`))).json()).toEqual(res.json());
    });

    it('updates display_name and profile_name and answers { success: true }', async () => {
      const waId = await newContact();
      gw.clock.advance(1_000);
      const res = await patch(waId, { display_name: 'Maya (wholesale)', profile_name: 'Maya C.' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ success: true });
      expect((await get(waId)).json()).toMatchObject({
        display_name: 'Maya (wholesale)',
        profile_name: 'Maya C.',
        updated_at: new Date(gw.clock.now()).toISOString().replace('Z', '000Z'),
      });
    });

    it('names the conversation after the display name once one is set', async () => {
      const waId = await newContact();
      await patch(waId, { display_name: 'Maya (wholesale)' });
      const message = await getMessage(gw, t.apiKey, t.phoneNumberId, `wamid.c${customers}`, '?fields=kapso(whatsapp_conversation_id)');
      const conversation = await getWithKey(gw, t.apiKey, `/v24.0/conversations/${message.json().kapso.whatsapp_conversation_id}`);
      expect(conversation.json().kapso.contact_name).toBe('Maya (wholesale)');
    });

    it.each<[string, unknown, null]>([
      ['null', null, null],
      ['an empty string', '', null],
    ])('clears display_name given %s', async (_label, value, expected) => {
      const waId = await newContact();
      await patch(waId, { display_name: 'Someone' });
      await patch(waId, { display_name: value });
      expect((await get(waId)).json().display_name).toBe(expected);
    });

    it('merges metadata key by key, null removing a key', async () => {
      const waId = await newContact();
      await patch(waId, { metadata: { tier: 'gold', region: 'eu', tags: ['vip'] } });
      await patch(waId, { metadata: { region: null, score: 7 } });
      expect((await get(waId)).json().metadata).toEqual({ tier: 'gold', tags: ['vip'], score: 7 });
    });

    it('keeps every key when many merges into one contact run at once', async () => {
      const waId = await newContact();
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => patch(waId, { metadata: { [`k${i}`]: i } })));
      for (const res of results) expect(res.statusCode).toBe(200);
      expect(Object.keys((await get(waId)).json().metadata)).toHaveLength(12);
    });
  });

  describe('errors', () => {
    it.each<[string, unknown, string]>([
      ['an empty body', {}, 'profile_name'],
      ['a camel-cased key', { displayName: 'x' }, 'displayName'],
      ['an unknown key', { display_name: 'x', tags: [] }, 'tags'],
      ['metadata that is an array', { metadata: ['a'] }, 'metadata'],
      ['metadata that is a string', { metadata: 'a' }, 'metadata'],
      ['an empty profile_name', { profile_name: '  ' }, 'profile_name'],
      ['a display_name over 256 characters', { display_name: 'x'.repeat(257) }, 'display_name'],
      ['metadata over the size limit', { metadata: { blob: 'x'.repeat(MAX_METADATA_BYTES) } }, 'metadata'],
    ])('answers 400 naming the parameter for %s', async (_label, body, parameter) => {
      expectInvalidParameter(await patch(await newContact(), body), parameter);
    });

    it('leaves the contact unchanged when a patch is refused', async () => {
      const waId = await newContact();
      await patch(waId, { metadata: { keep: true } });
      await patch(waId, { display_name: 'New', metadata: { blob: 'x'.repeat(MAX_METADATA_BYTES) } });
      expect((await get(waId)).json()).toMatchObject({ display_name: null, metadata: { keep: true } });
    });

    it.each(['GET', 'PATCH'] as const)('answers 404 in the envelope for %s of a contact that does not exist', async (method) => {
      const res = method === 'GET' ? await get('19999999999') : await patch('19999999999', { display_name: 'x' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 100, type: 'GraphMethodException', error_subcode: 33 });
    });
  });

  describe('security', () => {
    it.each(['GET', 'PATCH'] as const)('requires a valid project key for %s', async (method) => {
      await expectAuthRequired(gw, { method, url: `/v24.0/${t.phoneNumberId}/contacts/14155550123`, ...(method === 'PATCH' ? { payload: { display_name: 'x' } } : {}) });
    });

    it("answers another project's number exactly as a number that does not exist, and changes nothing", async () => {
      const waId = await newContact();
      const stranger = await newTenant(gw);
      const onForeign = { ...stranger, phoneNumberId: t.phoneNumberId };
      const onMissing = { ...stranger, phoneNumberId: '100000000000001' };
      expectIndistinguishable(await get(waId, onForeign), await get(waId, onMissing), { foreign: t.phoneNumberId, missing: '100000000000001' });
      const foreign = await patch(waId, { display_name: 'Hijacked' }, onForeign);
      const missing = await patch(waId, { display_name: 'Hijacked' }, onMissing);
      expectIndistinguishable(foreign, missing, { foreign: t.phoneNumberId, missing: '100000000000001' });
      expect((await get(waId)).json().display_name).toBeNull();
    });

    it("answers a wa_id known only to another project exactly as an unknown one", async () => {
      const waId = await newContact();
      const stranger = await newTenant(gw);
      expectIndistinguishable(await get(waId, stranger), await get('19999999998', stranger), { foreign: waId, missing: '19999999998' });
    });
  });
});
