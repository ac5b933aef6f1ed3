import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundFixtureNames } from '../fixtures/meta/index.ts';
import { dialects } from '../helpers/dialects.ts';
import { fixtureFor, firstMessageOf, getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

describe.each(dialects)('ingest of every inbound type (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  it.each(inboundFixtureNames)('stores a %s message and serves it back as Meta sent it', async (name) => {
    const t = await newTenant(gw);
    const body = fixtureFor(name, t);
    const sent = firstMessageOf(body);

    const post = await postWebhook(gw, body, t.appSecret);
    expect(post.statusCode).toBe(200);

    const res = await getMessage(gw, t.apiKey, t.phoneNumberId, sent.id, '?fields=kapso(all)');
    expect(res.statusCode).toBe(200);
    const got = res.json();
    // The Meta part is what Meta sent, with `to` naming the business number.
    const { from, ...rest } = sent;
    expect(got).toMatchObject({ ...rest, timestamp: String(sent.timestamp), to: t.phoneNumberId });
    if (from) expect(got.from).toBe(String(from).replace(/^\+/, ''));
    expect(got.kapso).toMatchObject({
      direction: 'inbound',
      status: 'received',
      processing_status: 'pending',
      origin: 'cloud_api',
      phone_number_id: t.phoneNumberId,
      has_media: ['image', 'video', 'audio', 'document', 'sticker'].includes(sent.type as string),
    });
    expect(got.kapso.whatsapp_conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof got.kapso.content).toBe('string');
    expect(got.kapso.content.length).toBeGreaterThan(0);
  });

  it('keeps a message of a type it does not know, with its own object, as received', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('unknown-future-type', t);
    const sent = firstMessageOf(body);
    await postWebhook(gw, body, t.appSecret);
    const got = (await getMessage(gw, t.apiKey, t.phoneNumberId, sent.id)).json();
    expect(got.type).toBe(sent.type);
    expect(got[sent.type as string]).toEqual(sent[sent.type as string]);
  });

  it('derives flow fields from a completed flow reply', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('interactive-nfm-flow', t);
    const sent = firstMessageOf(body);
    await postWebhook(gw, body, t.appSecret);
    const got = (await getMessage(gw, t.apiKey, t.phoneNumberId, sent.id)).json();
    expect(got.kapso).toMatchObject({
      flow_name: 'flow',
      flow_token: 'booking-7781',
      flow_response: { flow_token: 'booking-7781', date: '2025-07-03', party_size: '4' },
    });
  });

  it('serves the note of an order as order_text', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('order', t);
    const sent = firstMessageOf(body);
    await postWebhook(gw, body, t.appSecret);
    const got = (await getMessage(gw, t.apiKey, t.phoneNumberId, sent.id)).json();
    expect(got.kapso.order_text).toBe('Gift wrap please');
  });

  it('keeps emoji and non-Latin text intact from escaped bytes to the API', async () => {
    const t = await newTenant(gw);
    const body = fixtureFor('text-emoji', t);
    const sent = firstMessageOf(body) as { id: string; text: { body: string } };
    expect(body).toContain('\\u'); // Meta escapes non-ASCII; the signature covers the escapes
    await postWebhook(gw, body, t.appSecret);
    const got = (await getMessage(gw, t.apiKey, t.phoneNumberId, sent.id)).json();
    expect(got.text.body).toBe(sent.text.body);
    expect(got.kapso.content).toBe(sent.text.body);
    expect(/[^ -~]/.test(got.text.body)).toBe(true);
  });
});
