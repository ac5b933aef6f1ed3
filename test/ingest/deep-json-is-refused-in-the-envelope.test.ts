import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { storedCounts } from '../helpers/db-counts.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Nesting is bounded before anything parses or walks a body: a 400, never a stack overflow. */
describe.each(dialects)('deeply nested JSON (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const shapes = [
    ['arrays', arrays],
    ['objects', objects],
  ] as const;
  const depths = [10_000, 400_000];

  for (const [shape, nest] of shapes) {
    it.each(depths)(`refuses a signed webhook whose message nests ${shape} %i deep, storing nothing`, async (depth) => {
      const t = await newTenant(gw);
      const message = JSON.stringify({ ...textMessage('wamid.DEEP', 'hi'), context: { x: 1 } }).replace('{"x":1}', nest(depth));
      const body = messagesWebhook(t.phoneNumberId, [JSON.parse('{}')]).replace('{}', message);
      const res = await postWebhook(gw, body, t.appSecret);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException', fbtrace_id: expect.any(String) });
      expect((await storedCounts(gw, t.phoneNumberId)).messages).toBe(0);
    });

    it.each(depths)(`refuses an unsigned webhook of ${shape} %i deep`, async (depth) => {
      const res = await gw.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' }, payload: nest(depth) });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(100);
    });

    // As deep as fits in the API's 1 MB body limit (deeper is a 413 before any parsing).
    it.each([10_000, shape === 'arrays' ? 400_000 : 150_000])(`refuses a send body nesting ${shape} %i deep`, async (depth) => {
      const t = await newTenant(gw);
      const payload = `{"messaging_product":"whatsapp","to":"14155550123","type":"interactive","interactive":${nest(depth)}}`;
      const res = await gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(100);
    });
  }

  it('still stores a signed webhook of ordinary depth', async () => {
    const t = await newTenant(gw);
    const res = await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.SHALLOW', 'hi')]), t.appSecret);
    expect(res.statusCode).toBe(200);
  });
});
