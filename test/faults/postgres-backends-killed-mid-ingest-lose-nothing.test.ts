import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { type GatewayBehindProxy, startGatewayBehindProxy } from './postgres-behind-proxy.ts';

const WAVES = 6;
const PER_WAVE = 16;

/**
 * pg_terminate_backend on the gateway's own connections while webhooks are being stored: the
 * process survives, every answer is a 200 (stored) or a 503 in Meta's envelope (Meta retries),
 * never a 500, and every wamid acknowledged is in the database afterwards.
 */
describe.skipIf(!dialects.includes('postgres'))('PostgreSQL backends killed mid-ingest (postgres)', () => {
  let env: GatewayBehindProxy;
  beforeAll(async () => {
    env = await startGatewayBehindProxy();
  });
  afterAll(() => env?.close());

  it('answers 200 or 503, and stores everything it acknowledged', async () => {
    const { gw } = env;
    const t = await newTenant(gw);
    const bodyOf = (wamid: string) => messagesWebhook(t.phoneNumberId, [textMessage(wamid, `text of ${wamid}`)], `1415555${wamid.slice(-4)}`);
    const acknowledged: string[] = [];
    const refused: string[] = [];
    let killed = 0;
    for (let wave = 0; wave < WAVES; wave++) {
      const wamids = Array.from({ length: PER_WAVE }, (_, i) => `wamid.K${String(wave * PER_WAVE + i).padStart(4, '0')}`);
      const answers = Promise.all(wamids.map((w) => postWebhook(gw, bodyOf(w), t.appSecret)));
      // Let the batches reach PostgreSQL, then kill whatever serves them.
      await delay(wave % 3);
      killed += await env.killGatewayBackends();
      const all = await answers;
      for (const [i, answer] of all.entries()) {
        const wamid = wamids[i] as string;
        if (answer.statusCode === 200) acknowledged.push(wamid);
        else {
          expect(answer.statusCode, answer.body).toBe(503);
          expect(answer.headers['retry-after']).toBeDefined();
          expect(answer.json()).toEqual({
            error: { message: '(#2) Service temporarily unavailable', type: 'OAuthException', code: 2, error_data: { messaging_product: 'whatsapp', details: expect.stringMatching(/store/) }, fbtrace_id: expect.any(String) },
          });
          refused.push(wamid);
        }
      }
    }
    expect(killed).toBeGreaterThan(0);
    const stored = new Set(await env.storedWamids(t.phoneNumberId));
    expect(acknowledged.filter((w) => !stored.has(w))).toEqual([]);

    // Meta retries what was refused: each is stored once, by a gateway that was never restarted.
    for (const wamid of refused) {
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await postWebhook(gw, bodyOf(wamid), t.appSecret)).statusCode;
        if (status !== 200) await delay(50);
      }
      expect(status).toBe(200);
    }
    const after = await env.storedWamids(t.phoneNumberId);
    expect(after.length).toBe(WAVES * PER_WAVE);
    expect(new Set(after).size).toBe(WAVES * PER_WAVE);
    expect((await getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.K0000')).statusCode).toBe(200);
  });

  it('answers API reads 503 in the envelope when their connection is killed, then serves them', async () => {
    const { gw } = env;
    const t = await newTenant(gw);
    expect((await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.READ', 'hello')]), t.appSecret)).statusCode).toBe(200);
    const statuses: number[] = [];
    for (let round = 0; round < 5; round++) {
      const reads = Promise.all(Array.from({ length: 8 }, () => getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.READ')));
      await delay(round % 2);
      await env.killGatewayBackends();
      for (const answer of await reads) {
        statuses.push(answer.statusCode);
        if (answer.statusCode !== 200) expect(answer.json().error).toMatchObject({ code: 2, type: 'OAuthException' });
      }
    }
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect((await getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.READ')).statusCode).toBe(200);
  });
});
