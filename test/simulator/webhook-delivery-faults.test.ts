import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { NUMBER, openWindow, send, signatureIsValid, startReceiver, startSimulator, statusesOf, testClock, textBody } from './helpers.ts';

describe('webhook delivery: retries, batching and faults (meta-cloud-api.md §1.3, §7.16)', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const start = async (respond: (n: number) => number, options: SimulatorOptions = {}) => {
    receiver = await startReceiver(respond);
    sim = await startSimulator({ webhookUrl: receiver.url, clock: testClock(), enforceWindow: false, ...options });
  };
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('retries until the receiver answers 200 and logs every attempt', async () => {
    await start((n) => (n < 3 ? 500 : 200));
    openWindow(sim);
    await sim.flush();
    expect(receiver.calls()).toBe(3);
    expect(receiver.received).toHaveLength(1);
    const log = (await sim.app.inject({ method: 'GET', url: `/_simulator/deliveries?phone_number_id=${NUMBER.phone_number_id}` })).json().data;
    expect(log).toEqual([
      expect.objectContaining({
        id: 'dlv_1',
        url: receiver.url,
        outcome: 'delivered',
        itemCount: 1,
        duplicate: false,
        attempts: [
          expect.objectContaining({ attempt: 1, statusCode: 500 }),
          expect.objectContaining({ attempt: 2, statusCode: 500 }),
          expect.objectContaining({ attempt: 3, statusCode: 200 }),
        ],
      }),
    ]);
  });

  it('gives up after maxAttempts', async () => {
    await start(() => 503, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    openWindow(sim);
    await sim.flush();
    expect(receiver.calls()).toBe(2);
    expect(sim.state.deliveries[0]).toMatchObject({ outcome: 'failed', attempts: [{ statusCode: 503 }, { statusCode: 503 }] });
  });

  it('counts an unreachable target as failed attempts with undici error codes', async () => {
    await start(() => 200, { webhookUrl: 'http://127.0.0.1:1/webhooks', retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    openWindow(sim);
    await sim.flush();
    expect(sim.state.deliveries[0]).toMatchObject({ outcome: 'failed', attempts: [{ statusCode: null, error: 'ECONNREFUSED' }, { statusCode: null, error: 'ECONNREFUSED' }] });
  });

  it('delivers every payload twice with duplicateRate 1, even after a 200', async () => {
    await start(() => 200, { faults: { duplicateRate: 1 } });
    await send(sim, textBody());
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'sent', 'delivered', 'delivered', 'read', 'read']);
    expect(receiver.received[0]?.raw).toBe(receiver.received[1]?.raw);
    expect(sim.state.deliveries.filter((d) => d.duplicate)).toHaveLength(3);
  });

  it("shuffles each message's statuses, repeatably for a seed", async () => {
    const orders: string[] = [];
    for (const _run of [1, 2]) {
      await start(() => 200, { seed: 3, faults: { shuffle: true } });
      for (let i = 0; i < 4; i++) await send(sim, textBody(`m${i}`));
      await sim.flush();
      orders.push(statusesOf(receiver.received).map((s) => `${String(s.id).slice(-8)}:${s.status}`).join(','));
      await sim.close();
      await receiver.close();
    }
    await start(() => 200);
    expect(orders[0]).toBe(orders[1]);
    const inOrder = (order: string) => order.split(',').map((x) => x.split(':')[1]);
    expect(inOrder(orders[0] ?? '')).not.toEqual(['sent', 'delivered', 'read', 'sent', 'delivered', 'read', 'sent', 'delivered', 'read', 'sent', 'delivered', 'read']);
    expect(orders[0]?.split(',')).toHaveLength(12);
  });

  it('delays updates by up to extraDelayMs', async () => {
    await start(() => 200, { faults: { extraDelayMs: 30 } });
    const started = Date.now();
    await send(sim, textBody());
    await sim.flush();
    expect(statusesOf(receiver.received)).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('batches updates due within batchWindowMs into one POST, up to batchMaxItems', async () => {
    await start(() => 200, { batchWindowMs: 20, batchMaxItems: 4 });
    openWindow(sim);
    await send(sim, textBody('a'));
    await send(sim, textBody('b'));
    await sim.flush();
    const counts = receiver.received.map((w) => w.body.entry.flatMap((e) => e.changes.flatMap((c) => [...((c.value.messages as unknown[]) ?? []), ...((c.value.statuses as unknown[]) ?? [])])).length);
    expect(counts).toEqual([4, 3]);
    const first = receiver.received[0]?.body.entry[0]?.changes;
    expect(first?.map((c) => Object.keys(c.value).filter((k) => k === 'messages' || k === 'statuses'))).toEqual([['messages'], ['statuses']]);
    expect(first?.[0]?.value.contacts).toEqual([{ profile: { name: 'Maya Chen' }, wa_id: '14155550123' }]);
    for (const webhook of receiver.received) expect(signatureIsValid(webhook.raw, webhook.signature, NUMBER.app_secret)).toBe(true);
  });

  it.each([
    ['invalid', (raw: string, sig: string | undefined) => sig !== undefined && !signatureIsValid(raw, sig, NUMBER.app_secret)],
    ['missing', (_raw: string, sig: string | undefined) => sig === undefined],
  ] as const)('can send an %s signature', async (mode, check) => {
    await start(() => 200, { faults: { signature: mode } });
    openWindow(sim);
    await sim.flush();
    expect(check(receiver.received[0]?.raw ?? '', receiver.received[0]?.signature)).toBe(true);
  });

  it('logs updates it cannot deliver when no webhook URL is configured', async () => {
    await start(() => 200, { webhookUrl: undefined });
    openWindow(sim);
    await sim.flush();
    expect(sim.state.deliveries).toEqual([expect.objectContaining({ url: '', outcome: 'failed', attempts: [expect.objectContaining({ error: 'no webhook URL configured' })] })]);
  });

  it('flush waits for delayed statuses', async () => {
    await start(() => 200, { statusDelaysMs: { sent: 10, delivered: 40, read: 80 } });
    await send(sim, textBody());
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });
});
