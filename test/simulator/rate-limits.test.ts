import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, fbtrace, send, startSimulator, testClock } from './helpers.ts';

const template = (to = CUSTOMER) => ({ messaging_product: 'whatsapp', to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });

describe('throughput and pair rate (meta-cloud-api.md §5.1, §5.2)', () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  it('answers 130429 past maxMessagesPerSecond and accepts again a second later', async () => {
    const clock = testClock();
    sim = await startSimulator({ clock, maxMessagesPerSecond: 3 });
    for (let i = 0; i < 3; i++) expect((await send(sim, template(`1415555010${i}`))).statusCode).toBe(200);
    const refused = await send(sim, template('14155550109'));
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({
      error: {
        message: '(#130429) Rate limit hit',
        type: 'OAuthException',
        code: 130429,
        error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time (limit 3 per second).' },
        fbtrace_id: fbtrace,
      },
    });
    clock.advance(1000);
    expect((await send(sim, template('14155550109'))).statusCode).toBe(200);
  });

  it('defaults to 80 messages per second', async () => {
    sim = await startSimulator({ clock: testClock() });
    const codes: number[] = [];
    for (let i = 0; i < 81; i++) codes.push((await send(sim, template(`1415556${String(i).padStart(4, '0')}`))).statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(80);
    expect(codes[80]).toBe(400);
  });

  it('can answer rate limits with HTTP 429', async () => {
    sim = await startSimulator({ clock: testClock(), maxMessagesPerSecond: 1, rateLimitHttpStatus: 429 });
    await send(sim, template());
    const refused = await send(sim, template('14155550100'));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe(130429);
  });

  it('answers 131056 past the pair rate and recovers as the quota refills', async () => {
    const clock = testClock();
    sim = await startSimulator({ clock, pairRateLimit: { perMinute: 10, burst: 2 } });
    expect((await send(sim, template())).statusCode).toBe(200);
    expect((await send(sim, template())).statusCode).toBe(200);
    const refused = await send(sim, template());
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({
      error: {
        message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
        type: 'OAuthException',
        code: 131056,
        error_data: { messaging_product: 'whatsapp', details: 'Too many messages from this business number to the same user in a short time.' },
        fbtrace_id: fbtrace,
      },
    });
    // Another customer is not affected (§5.2).
    expect((await send(sim, template('14155550999'))).statusCode).toBe(200);
    clock.advance(6000);
    expect((await send(sim, template())).statusCode).toBe(200);
    expect((await send(sim, template())).statusCode).toBe(400);
  });

  it('allows a burst of 45 per pair by default', async () => {
    sim = await startSimulator({ clock: testClock(), pairRateLimit: undefined });
    const codes: number[] = [];
    for (let i = 0; i < 46; i++) codes.push((await send(sim, template())).statusCode);
    expect(codes.slice(0, 45).every((c) => c === 200)).toBe(true);
    expect(codes[45]).toBe(400);
  });

  it('does not limit pairs when pairRateLimit is false', async () => {
    sim = await startSimulator({ clock: testClock(), pairRateLimit: false });
    for (let i = 0; i < 60; i++) expect((await send(sim, template())).statusCode).toBe(200);
  });
});
