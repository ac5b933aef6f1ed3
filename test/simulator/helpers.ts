import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildSimulator, type NumberInput, type Simulator, type SimulatorOptions } from '../../src/simulator/index.ts';

/** The spec's fixture constants (meta-cloud-api.md, table at the top). */
export const NUMBER: NumberInput = {
  phone_number_id: '112233445566778',
  display_phone_number: '15550102030',
  waba_id: '109876543210987',
  access_token: 'EAAG-sim-token',
  app_secret: 'sim-app-secret',
};
export const CUSTOMER = '14155550123';
export const T0 = Date.parse('2026-01-01T12:00:00Z');

/** A clock tests move by hand. */
export function testClock(start = T0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms), set: (ms: number) => void (t = ms) };
}

/** A simulator with instant statuses, no pair limit, fast retries and the fixture number. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return buildSimulator({
    seed: 7,
    statusDelaysMs: { sent: 0, delivered: 0, read: 0 },
    pairRateLimit: false,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    numbers: [NUMBER],
    ...options,
  });
}

/** `POST /v24.0/{number}/messages` as the business, with the number's token by default. */
export function send(sim: Simulator, body: unknown, opts: { token?: string | null; numberId?: string; version?: string } = {}) {
  const token = opts.token === undefined ? NUMBER.access_token : opts.token;
  return sim.app.inject({
    method: 'POST',
    url: `/${opts.version ?? 'v24.0'}/${opts.numberId ?? NUMBER.phone_number_id}/messages`,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    payload: body as object,
  });
}

/** A text send body. */
export function textBody(body = 'Hello from the business', to = `+${CUSTOMER}`) {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body } };
}

/** Injects a customer text so that the 24-hour window is open. */
export function openWindow(sim: Simulator, from = CUSTOMER): string {
  return sim.injectInbound({ phone_number_id: NUMBER.phone_number_id, from, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'Hi' } } }).id;
}

/** One webhook POST as received: raw bytes, headers, parsed body. */
export interface ReceivedWebhook {
  raw: string;
  signature: string | undefined;
  body: { entry: { id: string; time?: number; changes: { field: string; value: Record<string, unknown> }[] }[] };
}

/** A tiny webhook receiver on 127.0.0.1:0; `respond` picks each answer's status code. */
export async function startReceiver(respond: (n: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  let calls = 0;
  const app: FastifyInstance = Fastify();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.post('/webhooks', async (request, reply) => {
    const raw = request.body as string;
    const status = respond(++calls);
    if (status === 200) {
      received.push({ raw, signature: request.headers['x-hub-signature-256'] as string | undefined, body: JSON.parse(raw) });
    }
    return reply.code(status).send(status === 200 ? 'EVENT_RECEIVED' : 'nope');
  });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${origin}/webhooks`, received, calls: () => calls, close: () => app.close() };
}

/** Independent check of X-Hub-Signature-256 (HMAC-SHA256 over the raw bytes, §1.2). */
export function signatureIsValid(raw: string, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw, 'utf8').digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Every `statuses[]` item of the received webhooks, in arrival order. */
export function statusesOf(received: ReceivedWebhook[]): Record<string, unknown>[] {
  return received.flatMap((w) => w.body.entry.flatMap((e) => e.changes.flatMap((c) => (c.value.statuses as Record<string, unknown>[] | undefined) ?? [])));
}

/** Every `messages[]` item of the received webhooks, in arrival order. */
export function messagesOf(received: ReceivedWebhook[]): Record<string, unknown>[] {
  return received.flatMap((w) => w.body.entry.flatMap((e) => e.changes.flatMap((c) => (c.value.messages as Record<string, unknown>[] | undefined) ?? [])));
}

/** Any fbtrace id (§5.7). */
export const fbtrace = expect.stringMatching(/^[A-Za-z0-9_-]{23}$/);

/** Meta's error envelope for a code-100 parameter error naming `details`. */
export function invalidParameter(details: string) {
  return { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details }, fbtrace_id: fbtrace } };
}
