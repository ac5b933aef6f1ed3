import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

/**
 * PostgreSQL cannot hold U+0000 in text nor `\u0000` in JSONB; a customer can still send it, and
 * Meta retries a refused payload for days. The gateway stores it and serves it back unchanged.
 */
describe.each(dialects)('NUL characters in a signed payload (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  // The escape character of the database encoding and a literal backslash-u0000 must survive too.
  const tricky = ['a\u0000b', '\u0000', 'x\uffff0y', '\uffff', 'lit \\u0000 eral', '\\\u0000', 'end\u0000', 'lone \ud800 high', 'lone \udc00 low', 'pair \ud83d\ude00'];

  it.each(tricky)('stores and serves back a text body %j exactly', async (text) => {
    const t = await newTenant(gw);
    const wamid = `wamid.NUL${Math.random().toString(36).slice(2)}`;
    const body = messagesWebhook(t.phoneNumberId, [textMessage(wamid, text)], '14155550123', `Ma\u0000ya ${text}`);
    const res = await postWebhook(gw, body, t.appSecret);
    expect(res.statusCode).toBe(200);
    const got = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid);
    expect(got.statusCode).toBe(200);
    expect(got.json().text.body).toBe(text);
    expect(JSON.stringify(got.json())).toContain(JSON.stringify(text).slice(1, -1));
  });

  it('answers a NUL in an API path or query with a 4xx in the envelope', async () => {
    const t = await newTenant(gw);
    for (const url of [
      `/v24.0/${t.phoneNumberId}/messages/wamid.%00x`,
      `/v24.0/${t.phoneNumberId}/messages?limit=%00`,
      `/v24.0/${t.phoneNumberId}/messages?conversation_id=%00`,
      `/v24.0/%00/messages`,
      `/v24.0/${t.phoneNumberId}/contacts/%00`,
      `/v24.0/${t.phoneNumberId}/conversations/%00`,
    ]) {
      const res = await gw.app.inject({ method: 'GET', url, headers: { 'x-api-key': t.apiKey } });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.json().error, url).toMatchObject({ code: expect.any(Number), fbtrace_id: expect.any(String) });
    }
  });
});
