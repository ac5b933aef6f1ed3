import { setTimeout as delay } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LifecycleSweep, startLifecycleSweep } from '../../src/conversations/sweep.ts';
import { MediaWorker } from '../../src/media/worker.ts';
import { OutboxWorker } from '../../src/outbox/worker.ts';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { type GatewayBehindProxy, startGatewayBehindProxy } from './postgres-behind-proxy.ts';

/** How long PostgreSQL stays unreachable: the 30 s, shortened for the suite (`FAULT_OUTAGE_MS=30000` for the long run). */
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 2_000);

interface LogLine {
  level: number;
  msg: string;
}

const WARN = 40;
const ERROR = 50;

/**
 * PostgreSQL unreachable (every connection reset, every new one refused) for OUTAGE_MS, then
 * back: ingest and API calls answer 503 in Meta's envelope meanwhile, /readyz is 503, the workers
 * and the sweep log the outage once and back off, and everything resumes without a restart.
 */
describe.skipIf(!dialects.includes('postgres'))('PostgreSQL unreachable for a while (postgres)', () => {
  let env: GatewayBehindProxy;
  let receiver: Receiver;
  const lines: LogLine[] = [];
  let worker: OutboxWorker;
  let media: MediaWorker;
  let sweep: LifecycleSweep;
  beforeAll(async () => {
    env = await startGatewayBehindProxy();
    receiver = await startReceiver();
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
    const deps = { ...env.gw.deps, log };
    worker = new OutboxWorker(deps, { wakeOn: env.gw.deps.outboxBell });
    media = new MediaWorker(deps, { wakeOn: env.gw.deps.mediaBell });
    sweep = startLifecycleSweep(deps, 200);
    worker.start();
    media.start();
  });
  afterAll(async () => {
    await worker?.stop(1_000);
    await media?.stop(1_000);
    await sweep?.stop();
    await receiver?.close();
    await env?.close();
  });

  it('answers 503 while it lasts and resumes storing, serving and delivering afterwards', { timeout: OUTAGE_MS + 25_000 }, async () => {
    const { gw } = env;
    const t = await newTenant(gw);
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    // A customer per message: deliveries of one conversation go one after another.
    const customers = new Map<string, string>();
    const bodyOf = (wamid: string) => {
      if (!customers.has(wamid)) customers.set(wamid, `1415555${String(customers.size).padStart(4, '0')}`);
      const waId = customers.get(wamid) as string;
      return messagesWebhook(t.phoneNumberId, [textMessage(wamid, `text of ${wamid}`, 1767268800, waId)], waId);
    };
    expect((await postWebhook(gw, bodyOf('wamid.BEFORE'), t.appSecret)).statusCode).toBe(200);
    await receiver.waitFor(1);

    env.proxy.cut();
    const refused: string[] = [];
    const until = Date.now() + OUTAGE_MS;
    for (let i = 0; Date.now() < until; i++) {
      const wamid = `wamid.DURING${i}`;
      const ingest = await postWebhook(gw, bodyOf(wamid), t.appSecret);
      expect(ingest.statusCode, ingest.body).toBe(503);
      expect(ingest.headers['retry-after']).toBeDefined();
      expect(ingest.json()).toEqual({
        error: {
          message: '(#2) Service temporarily unavailable',
          type: 'OAuthException',
          code: 2,
          error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('store') },
          fbtrace_id: expect.any(String),
        },
      });
      refused.push(wamid);
      const read = await getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.BEFORE');
      expect(read.statusCode, read.body).toBe(503);
      expect(read.json().error).toMatchObject({ code: 2, type: 'OAuthException', error_data: { details: expect.stringContaining('unavailable') } });
      expect((await gw.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      await delay(100);
    }
    env.proxy.restore();

    // Meta retries what was refused; the first tries may still meet connections being replaced.
    for (const wamid of refused) {
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await postWebhook(gw, bodyOf(wamid), t.appSecret)).statusCode;
        if (status !== 200) await delay(100);
      }
      expect(status).toBe(200);
    }
    // The group committer takes concurrent payloads again, and the pipelined reader serves reads.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => postWebhook(gw, bodyOf(`wamid.AFTER${i}`), t.appSecret)));
    expect(burst.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
    expect((await getMessage(gw, t.apiKey, t.phoneNumberId, 'wamid.AFTER7')).statusCode).toBe(200);
    expect((await gw.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await env.storedWamids(t.phoneNumberId)).length).toBe(1 + refused.length + 8);

    // The delivery worker resumed: every message stored is delivered. A delivery the outage
    // caught in flight (sent, its outcome not recorded) is sent again once its lease expires, and
    // its conversation's later ones wait for it: the test's clock moves past the lease.
    gw.clock.advance(gw.deps.config.webhooks.timeoutMs + 10_000);
    worker.wake();
    expect(await deliveredWamids(receiver, 1 + refused.length + 8)).toBe(1 + refused.length + 8);

    // Each background loop said once that the store was gone, and once that it was back.
    await sweepsAgain(lines);
    const warned = lines.filter((l) => l.level === WARN && /store unavailable/.test(l.msg)).map((l) => l.msg);
    for (const loop of ['outbox worker cycle', 'media worker cycle', 'conversation lifecycle sweep']) {
      expect(warned.filter((m) => m.startsWith(loop)), loop).toHaveLength(1);
      expect(lines.filter((l) => l.msg.startsWith(`${loop}: store available again`)), loop).toHaveLength(1);
    }
    expect(lines.filter((l) => l.level >= ERROR)).toEqual([]);
  });
});

/**
 * Waits until each background loop has run since the store came back: a loop backing off sleeps
 * up to 5 s between tries (a commit wakes the workers sooner, but text messages queue no media).
 */
async function sweepsAgain(lines: LogLine[]): Promise<void> {
  const loops = ['outbox worker cycle', 'media worker cycle', 'conversation lifecycle sweep'];
  const recovered = () => loops.every((loop) => lines.some((l) => l.msg.startsWith(`${loop}: store available again`)));
  for (let i = 0; i < 200 && !recovered(); i++) await delay(50);
}

/** How many of the test's messages the receiver got, once it got `expected` of them or after 20 s. */
async function deliveredWamids(receiver: Receiver, expected: number): Promise<number> {
  const distinct = () => new Set(receiver.requests.map((r) => /wamid\.(BEFORE|DURING\d+|AFTER\d+)/.exec(r.body)?.[0])).size;
  for (let i = 0; i < 400 && distinct() < expected; i++) await delay(50);
  return distinct();
}
