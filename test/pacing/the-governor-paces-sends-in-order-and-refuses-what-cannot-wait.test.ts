import { describe, expect, it } from 'vitest';
import { memoryBudgetSource } from '../../src/pacing/budget-source.ts';
import { PairLimiter } from '../../src/pacing/pair-limiter.ts';
import { type Permit, SendGovernor } from '../../src/pacing/send-governor.ts';

const NUMBER = '100200300';

/** The most sends granted within any one second of `times`. */
function busiestSecond(times: readonly number[]): number {
  return Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 1000).length));
}

describe('the send governor', () => {
  it('grants every send that can wait, in the order asked, never faster than the number’s rate', async () => {
    const governor = new SendGovernor(memoryBudgetSource(), null);
    const order: number[] = [];
    const times: number[] = [];
    const permits = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        governor.send({ phoneNumberId: NUMBER, perSecond: 30, recipient: `1415555${String(i).padStart(4, '0')}`, maxWaitMs: 5000 }, async () => {
          order.push(i);
          times.push(Date.now());
        }),
      ),
    );
    expect(permits.every((p) => p.ok)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(busiestSecond(times)).toBeLessThanOrEqual(30);
  });

  it('refuses at once what would wait longer than its caller allows, saying when to try again', async () => {
    const governor = new SendGovernor(memoryBudgetSource(), null);
    const asked = Date.now();
    const [first, second, third] = await Promise.all([0, 1, 2].map(() => governor.acquire({ phoneNumberId: NUMBER, perSecond: 1, recipient: null, maxWaitMs: 0 })));
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: false, limit: 'throughput' });
    expect(third).toMatchObject({ ok: false, limit: 'throughput' });
    const retry = (second as Extract<Permit, { ok: false }>).retryAfterMs;
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(1100);
    // Refused without waiting for the second the send would have needed.
    expect(Date.now() - asked).toBeLessThan(900);
  });

  it('counts a send from its answer, not its grant: a slow answer holds its place in Meta’s second', async () => {
    let clock = 1_000_000;
    const governor = new SendGovernor(memoryBudgetSource(), null, () => clock);
    const ask = () => governor.acquire({ phoneNumberId: NUMBER, perSecond: 1, recipient: null, maxWaitMs: 0 });
    // Granted at 1,000,000 and answered 400 ms later: Meta may have counted it as late as that.
    const first = await governor.send({ phoneNumberId: NUMBER, perSecond: 1, recipient: null, maxWaitMs: 0 }, async () => {
      clock += 400;
      return 'sent';
    });
    expect(first).toEqual({ ok: true, value: 'sent' });
    clock = 1_001_200;
    expect(await ask()).toMatchObject({ ok: false, limit: 'throughput', retryAfterMs: 200 });
    clock = 1_001_400;
    expect(await ask()).toMatchObject({ ok: true });
    // Still on its way a minute later: it still counts.
    clock = 1_061_400;
    expect(await ask()).toMatchObject({ ok: false, limit: 'throughput' });
    governor.answered(NUMBER, 1_001_400);
    clock = 1_062_400;
    expect(await ask()).toMatchObject({ ok: true });
  });

  it('counts a send that failed, or was never made, from the moment it settled', async () => {
    let clock = 1_000_000;
    const governor = new SendGovernor(memoryBudgetSource(), null, () => clock);
    await expect(
      governor.send({ phoneNumberId: NUMBER, perSecond: 1, recipient: null, maxWaitMs: 0 }, async () => {
        clock += 300;
        throw new Error('connection reset');
      }),
    ).rejects.toThrow('connection reset');
    clock = 1_001_300;
    expect(await governor.acquire({ phoneNumberId: NUMBER, perSecond: 1, recipient: null, maxWaitMs: 0 })).toMatchObject({ ok: true });
  });

  it('keeps numbers apart: one number’s queue does not hold another’s sends', async () => {
    const governor = new SendGovernor(memoryBudgetSource(), null);
    await governor.acquire({ phoneNumberId: NUMBER, perSecond: 1, recipient: null, maxWaitMs: 0 });
    expect(await governor.acquire({ phoneNumberId: '400500600', perSecond: 1, recipient: null, maxWaitMs: 0 })).toMatchObject({ ok: true });
  });

  it('paces each customer to the pair rate, and gives the reservation back when the number refuses', async () => {
    const governor = new SendGovernor(memoryBudgetSource(), new PairLimiter({ burst: 2, perMinute: 1 }));
    const to = (recipient: string, perSecond = 1000) => governor.acquire({ phoneNumberId: NUMBER, perSecond, recipient, maxWaitMs: 0 });
    expect(await to('14155550001')).toMatchObject({ ok: true });
    expect(await to('14155550001')).toMatchObject({ ok: true });
    const third = await to('14155550001');
    expect(third).toMatchObject({ ok: false, limit: 'pair' });
    expect((third as Extract<Permit, { ok: false }>).retryAfterMs).toBeGreaterThan(50_000);
    expect(await to('14155550002')).toMatchObject({ ok: true });

    // A send the number's rate refuses does not spend the customer's pair budget.
    const other = new SendGovernor(memoryBudgetSource(), new PairLimiter({ burst: 1, perMinute: 1 }));
    const sent = await other.acquire({ phoneNumberId: NUMBER, perSecond: 1, recipient: '14155550009', maxWaitMs: 0 });
    expect(sent).toMatchObject({ ok: true });
    other.answered(NUMBER, (sent as Extract<Permit, { ok: true }>).grantedAt);
    expect(await other.acquire({ phoneNumberId: NUMBER, perSecond: 1, recipient: '14155550010', maxWaitMs: 0 })).toMatchObject({ ok: false, limit: 'throughput' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await other.acquire({ phoneNumberId: NUMBER, perSecond: 1, recipient: '14155550010', maxWaitMs: 0 })).toMatchObject({ ok: true });
  });

  it('sends slower once Meta answers 130429 for the number', async () => {
    const source = memoryBudgetSource();
    const governor = new SendGovernor(source, null);
    await governor.throttledByMeta(NUMBER);
    // A lower rate, and nothing to catch up: the next send waits an interval of the lowered rate.
    expect(await governor.acquire({ phoneNumberId: NUMBER, perSecond: 4, recipient: null, maxWaitMs: 0 })).toMatchObject({ ok: false, limit: 'throughput' });
    const taken = await source.take(NUMBER, 4, Date.now(), 10);
    expect(taken.granted).toBe(0);
    expect(taken.waitMs).toBeGreaterThan(250);
  });
});
