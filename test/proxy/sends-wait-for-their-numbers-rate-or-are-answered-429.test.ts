import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

type Tenant = Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;

/**
 * Every send goes through the governor before Meta (docs/sending.md): one that would wait longer
 * than SEND_MAX_WAIT_MS for its number's rate, or for its customer's pair rate, is answered 429 in
 * Meta's envelope with Retry-After, and Meta never sees it.
 */
describe.each(dialects)('sends paced by their number and customer (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, { pairRateLimit: false }, { SEND_MAX_WAIT_MS: '0', SEND_PAIR_BURST: '2', SEND_PAIR_PER_MINUTE: '1' });
  });
  afterAll(() => env.close());

  const send = (t: Tenant, to: string, headers: Record<string, string> = {}) =>
    fetch(`${env.gatewayUrl}/v24.0/${t.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': t.apiKey, ...headers },
      body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hello' } }),
    });
  const setRate = (t: Tenant, rate: number | null) =>
    env.gw.app.inject({ method: 'PATCH', url: `/platform/v1/whatsapp/phone_numbers/${t.phoneNumberId}`, headers: { 'x-api-key': t.apiKey }, payload: { whatsapp_phone_number: { max_messages_per_second: rate } } });
  const sentBySimulator = async (t: Tenant) => {
    await env.sim.flush();
    return env.sim.state.messages.filter((m) => m.phoneNumberId === t.phoneNumberId && m.direction === 'outbound').length;
  };

  it('answers 429 (130429) with Retry-After past the number’s rate, before Meta is called', async () => {
    const t = await env.newTenant();
    const patched = await setRate(t, 1);
    expect(patched.json().data.max_messages_per_second).toBe(1);
    const answers = await Promise.all(['14155550001', '14155550002', '14155550003'].map((to) => send(t, to)));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get('x-burst-ratelimit-limit')).toBe('1');
      expect(r.headers.get('x-burst-ratelimit-remaining')).toBe('0');
      // The refusal names the request: its X-Request-Id is the envelope's fbtrace_id.
      expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await r.json()).toMatchObject({ error: { code: 130429, type: 'OAuthException', message: '(#130429) Rate limit hit', fbtrace_id: r.headers.get('x-request-id') } });
    }
    expect(ok[0]?.headers.get('x-burst-ratelimit-limit')).toBe('1');
    expect(await sentBySimulator(t)).toBe(1);
  });

  it('answers 429 (131056) past one customer’s pair rate, while other customers are still served', async () => {
    const t = await env.newTenant();
    expect((await send(t, '14155550010')).status).toBe(200);
    expect((await send(t, '+1 415 555 0010')).status).toBe(200);
    const third = await send(t, '14155550010');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(30);
    expect(await third.json()).toMatchObject({ error: { code: 131056 } });
    expect((await send(t, '14155550011')).status).toBe(200);
    expect(await sentBySimulator(t)).toBe(3);
  });

  it('lets a refused send be retried under the same Idempotency-Key', async () => {
    const t = await env.newTenant();
    await setRate(t, 1);
    expect((await send(t, '14155550020')).status).toBe(200);
    expect((await send(t, '14155550021', { 'idempotency-key': 'retry-me' })).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send(t, '14155550021', { 'idempotency-key': 'retry-me' })).status).toBe(200);
  });

  it('refuses a rate Meta has no level for, and another project’s number like an unknown one', async () => {
    const t = await env.newTenant();
    const other = await env.newTenant();
    for (const rate of [0, 1001, 2.5]) expect((await setRate(t, rate)).statusCode).toBe(400);
    const foreign = await env.gw.app.inject({
      method: 'PATCH',
      url: `/platform/v1/whatsapp/phone_numbers/${other.phoneNumberId}`,
      headers: { 'x-api-key': t.apiKey },
      payload: { whatsapp_phone_number: { max_messages_per_second: 5 } },
    });
    expect(foreign.statusCode).toBe(404);
    expect((await setRate(t, null)).json().data.max_messages_per_second).toBeNull();
  });
});
