import { describe, expect, it } from 'vitest';
import { parseCutoff } from '../../src/retention/cutoff.ts';

const NOW = Date.parse('2026-12-07T06:00:00Z');

describe('--before', () => {
  it('reads an ISO date as its midnight UTC, a date-time with its offset, and 90d as 90 days before now', () => {
    expect(parseCutoff('2026-09-08', NOW)).toEqual({ ok: true, ms: Date.parse('2026-09-08T00:00:00Z') });
    expect(parseCutoff('2026-09-08T12:30:00+02:00', NOW)).toEqual({ ok: true, ms: Date.parse('2026-09-08T10:30:00Z') });
    expect(parseCutoff('90d', NOW)).toEqual({ ok: true, ms: NOW - 90 * 86_400_000 });
    expect(parseCutoff(' 1D ', NOW)).toEqual({ ok: true, ms: NOW - 86_400_000 });
  });

  it('refuses the future, zero days, bare numbers, impossible days and words, saying what it takes', () => {
    expect(parseCutoff('2026-12-08', NOW)).toEqual({ ok: false, reason: expect.stringMatching(/^--before must not be in the future, got '2026-12-08'/) });
    expect(parseCutoff('0d', NOW)).toEqual({ ok: false, reason: "--before must be at least 1d, got '0d'" });
    for (const bad of ['90', '2026-02-30', 'yesterday', '', '90 days', '-5d']) {
      expect(parseCutoff(bad, NOW)).toEqual({ ok: false, reason: expect.stringContaining('--before must be an ISO 8601 date or date-time') });
    }
  });
});
