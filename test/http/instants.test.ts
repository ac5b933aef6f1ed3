import { describe, expect, it } from 'vitest';
import { formatInstant, formatOptionalInstant, parseInstantMs } from '../../src/http/instants.ts';

const NOON = Date.parse('2026-01-01T12:00:00Z');

describe('parseInstantMs', () => {
  it.each<[string, number]>([
    ['1767268800', NOON],
    ['0', 0],
    ['2026-01-01T12:00:00Z', NOON],
    ['2026-01-01T12:00:00.000000Z', NOON],
    ['2026-01-01T12:00:00.123456789Z', NOON + 123],
    ['2026-01-01T12:00:00', NOON],
    ['2026-01-01 12:00:00Z', NOON],
    ['2026-01-01T12:00Z', NOON],
    ['2026-01-01T17:30:00+05:30', NOON],
    ['2026-01-01T17:30:00+0530', NOON],
    ['2026-01-01T07:00:00-05', NOON],
    ['2026-01-01', Date.parse('2026-01-01T00:00:00Z')],
    [' 2026-01-01T12:00:00z ', NOON],
    ['2024-02-29', Date.parse('2024-02-29T00:00:00Z')],
  ])('reads %s', (raw, expected) => {
    expect(parseInstantMs(raw)).toBe(expected);
  });

  it.each(['', 'yesterday', '-5', '1.5', '2026-02-30', '2025-02-29', '2026-13-01', '2026-01-01T24:00:00Z', '2026-01-01T12:60Z', 'Jan 1 2026', '2026-1-1', '123456789012'])(
    'refuses %j',
    (raw) => {
      expect(parseInstantMs(raw)).toBeNull();
    },
  );
});

describe('formatInstant', () => {
  it.each<[number, string]>([
    [NOON, '2026-01-01T12:00:00.000000Z'],
    [NOON + 5, '2026-01-01T12:00:00.005000Z'],
  ])('writes %s in the microsecond form', (ms, expected) => {
    expect(formatInstant(ms)).toBe(expected);
    expect(parseInstantMs(expected)).toBe(ms);
  });

  it('writes null for an instant that never happened', () => {
    expect(formatOptionalInstant(null)).toBeNull();
  });
});
