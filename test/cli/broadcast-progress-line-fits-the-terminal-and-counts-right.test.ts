import { describe, expect, it } from 'vitest';
import {
  type BroadcastProgress,
  doneRatePerSecond,
  etaSeconds,
  formatCount,
  formatDuration,
  formatRate,
  percentDone,
  plainProgressLine,
  progressChanged,
  progressLine,
  renderBar,
} from '../../src/cli/broadcast-progress.ts';

const sending: BroadcastProgress = { status: 'sending', total: 10_000, pending: 3_760, sent: 6_200, failed: 40, delivered: 6_100, read: 5_900, responded: 12 };

describe('the watch progress line (pure)', () => {
  it.each([
    [0, 10, 0],
    [1, 3, 33],
    [2, 3, 66],
    [999, 1000, 99],
    [1000, 1000, 100],
    [0, 0, 0],
    [5, 0, 0],
  ])('%i done of %i is %i%%', (done, total, percent) => {
    expect(percentDone(done, total)).toBe(percent);
  });

  it.each([
    [0, 100, 10, '[..........]'],
    [50, 100, 10, '[#####.....]'],
    [99, 100, 10, '[#########.]'],
    [100, 100, 10, '[##########]'],
    [1, 3, 5, '[#....]'],
    [0, 0, 8, '[........]'],
  ])('a bar of %i done of %i in %i cells is %s', (done, total, cells, bar) => {
    expect(renderBar(done, total, cells)).toBe(bar);
    expect(bar).toHaveLength(cells + 2);
  });

  it.each([
    [0, '0:00'],
    [0.2, '0:01'],
    [45, '0:45'],
    [59.5, '1:00'],
    [725, '12:05'],
    [3723, '1:02:03'],
    [36_000, '10:00:00'],
  ])('%d seconds read %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('measures the rate of done recipients (sent or failed) between the oldest and newest read', () => {
    expect(doneRatePerSecond([])).toBeNull();
    expect(doneRatePerSecond([{ atMs: 1_000, done: 10 }])).toBeNull();
    expect(doneRatePerSecond([{ atMs: 1_000, done: 10 }, { atMs: 1_000, done: 20 }])).toBeNull();
    expect(doneRatePerSecond([{ atMs: 1_000, done: 100 }, { atMs: 1_500, done: 130 }, { atMs: 3_000, done: 270 }])).toBe(85);
    expect(doneRatePerSecond([{ atMs: 0, done: 50 }, { atMs: 2_000, done: 50 }])).toBe(0);
  });

  it('gives the ETA of the pending recipients at the rate, and none while nothing moves', () => {
    expect(etaSeconds(3_825, 85)).toBe(45);
    expect(etaSeconds(0, null)).toBe(0);
    expect(etaSeconds(10, 0)).toBeNull();
    expect(etaSeconds(10, null)).toBeNull();
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [6_200, '6,200'],
    [1_234_567, '1,234,567'],
  ])('counts %i as %s', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });

  it('shows a slow rate with a decimal and a fast one whole', () => {
    expect(formatRate(2.46)).toBe('2.5 msg/s');
    expect(formatRate(0)).toBe('0.0 msg/s');
    expect(formatRate(85.4)).toBe('85 msg/s');
    expect(formatRate(1_250)).toBe('1,250 msg/s');
  });

  it('shows every count, the rate, the ETA and the status on a wide terminal', () => {
    expect(progressLine(sending, 85, 200)).toBe(
      `[${'#'.repeat(18)}${'.'.repeat(12)}] 62% 6,200/10,000 sent 6,100 delivered 5,900 read 40 failed 12 responded · 85 msg/s · ETA 0:45 · sending`,
    );
  });

  it('leaves the rate and ETA out before a second read and once the broadcast has ended', () => {
    expect(progressLine(sending, null, 200)).not.toMatch(/msg\/s|ETA/);
    expect(progressLine({ ...sending, status: 'completed', pending: 0 }, 85, 200)).toMatch(/ · completed$/);
    expect(progressLine({ ...sending, status: 'completed', pending: 0 }, 85, 200)).not.toMatch(/msg\/s|ETA/);
    expect(progressLine(sending, 0, 200)).toContain(' · 0.0 msg/s · ETA -:-- · ');
  });

  it.each([200, 120, 100, 80, 60, 40, 20, 10, 3, 1])('never reaches the last column of a %i-column terminal, and keeps the status while it can', (columns) => {
    const line = progressLine(sending, 85, columns);
    expect(line.length).toBeLessThanOrEqual(Math.max(1, columns - 1));
    if (columns >= 30) expect(line).toMatch(/^\[[#.]+\] 62% .*sending$/);
  });

  it('drops the least telling parts first on a narrow terminal', () => {
    const line = progressLine(sending, 85, 80);
    expect(line).toContain('6,200/10,000 sent');
    expect(line).toContain('ETA 0:45');
    expect(line).not.toContain('responded');
  });

  it('prints a plain, ANSI-free line with every counter for logs', () => {
    const line = plainProgressLine(sending, Date.parse('2026-12-07T03:00:01.456Z'));
    expect(line).toBe('2026-12-07T03:00:01Z sending sent=6200/10000 delivered=6100 read=5900 failed=40 responded=12 pending=3760');
  });

  it('sees a change in the status or any counter, and none between equal reads', () => {
    expect(progressChanged(undefined, sending)).toBe(true);
    expect(progressChanged(sending, { ...sending })).toBe(false);
    expect(progressChanged(sending, { ...sending, read: 5_901 })).toBe(true);
    expect(progressChanged(sending, { ...sending, status: 'stopped' })).toBe(true);
  });
});
