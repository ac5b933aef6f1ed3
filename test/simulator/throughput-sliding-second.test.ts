import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { ThroughputWindow } from '../../src/simulator/send/throughput-window.ts';
import { send, startSimulator, testClock } from './helpers.ts';

const template = (i: number) => ({ messaging_product: 'whatsapp', to: `1415${String(5_000_000 + i)}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });

/** Sends at the given clock offsets (ms), answering the status codes. */
async function sendAt(sim: Simulator, clock: ReturnType<typeof testClock>, offsetsMs: number[]): Promise<number[]> {
  const start = clock.now();
  const codes: number[] = [];
  for (const [i, at] of offsetsMs.entries()) {
    clock.set(start + at);
    codes.push((await send(sim, template(i))).statusCode);
  }
  return codes;
}

describe('ThroughputWindow: sends counted over a sliding second (meta-cloud-api.md §5.1)', () => {
  const accept = (window: ThroughputWindow, at: number) => {
    if (!window.hasRoom(at)) return false;
    window.record(at);
    return true;
  };

  it('refuses once `limit` sends were accepted in the last 1000 ms, and makes room as each leaves it', () => {
    const window = new ThroughputWindow(3);
    expect([0, 400, 800].map((at) => accept(window, at))).toEqual([true, true, true]);
    // A bucket refilled at 3/s would have earned more than a token by 999 ms; the window has not moved.
    expect(accept(window, 999)).toBe(false);
    expect(accept(window, 1000)).toBe(true);
    expect(accept(window, 1001)).toBe(false);
    expect(accept(window, 1399)).toBe(false);
    expect(accept(window, 1400)).toBe(true);
    expect(window.countAt(1400)).toBe(3);
    expect(window.countAt(5000)).toBe(0);
  });

  it('makes no room when the clock goes backwards', () => {
    const window = new ThroughputWindow(1);
    expect(accept(window, 5000)).toBe(true);
    expect(accept(window, 1000)).toBe(false);
    expect(accept(window, 6000)).toBe(true);
  });

  it('refuses everything at a limit of 0', () => {
    expect(accept(new ThroughputWindow(0), 0)).toBe(false);
  });

  it('costs constant time per send at 1,000 mps (a million sends well under a second)', () => {
    const window = new ThroughputWindow(1000);
    const started = performance.now();
    let accepted = 0;
    for (let i = 0; i < 1_000_000; i++) if (accept(window, i / 2)) accepted++;
    expect(performance.now() - started).toBeLessThan(1000);
    // Two sends per ms offered, 1,000 a second accepted: half of the 500 s.
    expect(accepted).toBe(500_000);
  });
});

describe('throughput through the send API', () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  it('never refuses a sender paced at exactly the configured rate', async () => {
    const clock = testClock();
    sim = await startSimulator({ clock, maxMessagesPerSecond: 20 });
    // One send every 50 ms for three seconds: 20 a second, the limit itself.
    const codes = await sendAt(sim, clock, Array.from({ length: 60 }, (_, i) => i * 50));
    expect(codes.every((c) => c === 200)).toBe(true);
  });

  it('refuses a sender that bursts past the rate, with 130429 in the send answer, and counts only the accepted sends', async () => {
    const clock = testClock();
    sim = await startSimulator({ clock, maxMessagesPerSecond: 20 });
    // 40 a second for two seconds: half of them too many.
    const codes = await sendAt(sim, clock, Array.from({ length: 80 }, (_, i) => i * 25));
    expect(codes.filter((c) => c === 200)).toHaveLength(40);
    const refused = codes.flatMap((c, i) => (c === 400 ? [i] : []));
    expect(refused).toHaveLength(40);
    const last = await send(sim, template(99));
    expect(last.json().error).toMatchObject({ code: 130429, message: '(#130429) Rate limit hit' });
    const tally = (await sim.app.inject({ method: 'GET', url: '/_simulator/sends' })).json();
    expect(tally.totals).toMatchObject({ accepted: 40, refused: { '130429': 41 } });
  });

  it('lets a burst of the full rate through at once, then nothing more within that second', async () => {
    const clock = testClock();
    sim = await startSimulator({ clock, maxMessagesPerSecond: 10 });
    const codes = await sendAt(sim, clock, [...Array.from({ length: 11 }, () => 0), 500, 999, 1000]);
    expect(codes).toEqual([...Array.from({ length: 10 }, () => 200), 400, 400, 400, 200]);
  });
});
