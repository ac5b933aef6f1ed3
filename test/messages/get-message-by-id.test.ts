import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../src/tenants/store.ts';
import { prefixOf } from '../../src/tenants/keys.ts';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { fixtureFor, firstMessageOf, getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

describe.each(dialects)('GET /{version}/{phone_number_id}/messages/{id} (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let wamid: string;
  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    const body = fixtureFor('image', t);
    wamid = firstMessageOf(body).id;
    expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);
  });
  afterAll(() => gw.close());

  describe('happy path', () => {
    it('answers the default kapso set when fields is absent', async () => {
      const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json();
      expect(body).toMatchObject({ id: wamid, type: 'image', from: '14155550123', to: t.phoneNumberId });
      expect(typeof body.timestamp).toBe('string');
      expect(Object.keys(body.kapso).sort()).toEqual(
        ['contact_name', 'content', 'direction', 'has_media', 'message_type_data', 'origin', 'phone_number', 'phone_number_id', 'processing_status', 'status', 'whatsapp_conversation_id'].sort(),
      );
      expect(body.kapso.has_media).toBe(true);
      expect(body.kapso.content).toContain('Image attached');
    });

    it.each([
      ['kapso(default)', ['direction', 'status', 'content']],
      ['kapso(*)', ['direction', 'status', 'content']],
      ['kapso(all)', ['direction', 'status', 'content']],
      ['kapso(direction,status,processing_status)', ['direction', 'status', 'processing_status']],
      ['kapso(direction,not_a_field)', ['direction']],
      ['kapso( direction , status )', ['direction', 'status']],
    ])('answers the kapso keys fields=%s asks for', async (fields, expected) => {
      const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, `?fields=${encodeURIComponent(fields)}`);
      expect(res.statusCode).toBe(200);
      const keys = Object.keys(res.json().kapso);
      for (const k of expected) expect(keys).toContain(k);
      if (!fields.includes('default') && !fields.includes('*') && !fields.includes('all')) expect(keys.sort()).toEqual([...expected].sort());
    });

    it('leaves the kapso block out for fields=kapso()', async () => {
      const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso()');
      expect(res.statusCode).toBe(200);
      expect(res.json()).not.toHaveProperty('kapso');
      expect(res.json().image).toBeDefined();
    });

    it('keeps only the named top-level Meta fields', async () => {
      const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, '?fields=type,kapso(direction)');
      expect(res.json()).toEqual({ id: wamid, type: 'image', kapso: { direction: 'inbound' } });
    });

    it('accepts percent-encoded parentheses as the SDK sends them', async () => {
      const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso%28direction%29');
      expect(res.json().kapso).toEqual({ direction: 'inbound' });
    });

    it.each(['v24.0', 'v23.0', 'v21.0'])('serves the same message under version %s', async (version) => {
      const res = await gw.app.inject({ method: 'GET', url: `/${version}/${t.phoneNumberId}/messages/${encodeURIComponent(wamid)}`, headers: { 'x-api-key': t.apiKey } });
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe(wamid);
    });

    it('accepts the project key as a bearer token', async () => {
      const res = await gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/messages/${encodeURIComponent(wamid)}`, headers: { authorization: `Bearer ${t.apiKey}` } });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('errors', () => {
    it.each(['kapso(', 'kapso(direction', 'kapso(a,,b)', 'kapso(Direction)', 'a,,b', 'kapso(a),kapso(b)'])(
      'answers 400 naming fields for the malformed selector %s',
      async (fields) => {
        const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, `?fields=${encodeURIComponent(fields)}`);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({
          error: {
            message: '(#100) Invalid parameter',
            type: 'OAuthException',
            code: 100,
            error_data: { messaging_product: 'whatsapp', details: expect.stringContaining("'fields'") },
            fbtrace_id: expect.any(String),
          },
        });
      },
    );

    it('answers 404 in the envelope for a message that does not exist', async () => {
      const res = await getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.nope');
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 100, type: 'GraphMethodException', error_subcode: 33 });
    });

    it('answers 404 for a version segment that is not vNN.N', async () => {
      const res = await gw.app.inject({ method: 'GET', url: `/latest/${t.phoneNumberId}/messages/${encodeURIComponent(wamid)}`, headers: { 'x-api-key': t.apiKey } });
      expect(res.statusCode).toBe(404);
    });

    it('answers 404 in the envelope for an unknown route', async () => {
      const res = await gw.app.inject({ method: 'GET', url: '/no/such/route' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 100, type: 'GraphMethodException' });
    });
  });

  describe('security', () => {
    it('requires a valid project key', async () => {
      await expectAuthRequired(gw, { method: 'GET', url: `/v24.0/${t.phoneNumberId}/messages/${encodeURIComponent(wamid)}` });
    });

    it('stops answering a revoked key', async () => {
      const other = await newTenant(gw);
      expect((await getMessage(gw, other.apiKey, other.phoneNumberId, 'wamid.x')).statusCode).toBe(404);
      await revokeApiKey(gw.deps.database.db, prefixOf(other.apiKey) ?? '', gw.clock.now());
      gw.clock.advance(10_000); // past the tenancy cache's lifetime
      expect((await getMessage(gw, other.apiKey, other.phoneNumberId, 'wamid.x')).statusCode).toBe(401);
    });

    it("answers another project's phone number exactly as a number that does not exist", async () => {
      const stranger = await newTenant(gw);
      const foreign = await getMessage(gw, stranger.apiKey, t.phoneNumberId, wamid);
      const missing = await getMessage(gw, stranger.apiKey, '100000000000001', wamid);
      expectIndistinguishable(foreign, missing, { foreign: t.phoneNumberId, missing: '100000000000001' });
    });

    it("answers another project's message id exactly as one that does not exist", async () => {
      const stranger = await newTenant(gw);
      const foreign = await getMessage(gw, stranger.apiKey, stranger.phoneNumberId, wamid);
      const missing = await getMessage(gw, stranger.apiKey, stranger.phoneNumberId, 'wamid.never-stored');
      expectIndistinguishable(foreign, missing, { foreign: wamid, missing: 'wamid.never-stored' });
    });
  });
});
