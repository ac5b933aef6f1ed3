import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { OutageBackoff } from '../../src/db/outage.ts';

function capture() {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { lines, log };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('a background loop through a store outage', () => {
  it('waits twice as long after each failed cycle, up to the ceiling, and starts over once the store answers', () => {
    const { log } = capture();
    const backoff = new OutageBackoff(log, 'loop', { minMs: 500, maxMs: 5_000 });
    expect(Array.from({ length: 7 }, () => backoff.failed(refused))).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
    backoff.succeeded();
    expect(backoff.failed(refused)).toBe(500);
  });

  it('warns once when the store goes away and says once when it is back, however many cycles fail', () => {
    const { lines, log } = capture();
    const backoff = new OutageBackoff(log, 'loop');
    for (let i = 0; i < 20; i++) backoff.failed(refused);
    backoff.succeeded();
    backoff.succeeded();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'loop: store unavailable; backing off until it answers'],
      [30, 'loop: store available again; resuming'],
    ]);
  });

  it('logs a failure that is not an outage at error every time', () => {
    const { lines, log } = capture();
    const backoff = new OutageBackoff(log, 'loop');
    backoff.failed(new TypeError('a bug'));
    backoff.failed(new TypeError('a bug'));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'loop failed'],
      [50, 'loop failed'],
    ]);
  });
});
