import { describe, expect, it } from 'vitest';
import { nextAttemptAt, retryDelayMs } from '../../src/jobs/backoff.ts';
import { sha256Hex, signBody } from '../../src/outbox/signing.ts';

const KAPSO = [10_000, 40_000, 90_000];

describe('retry schedule', () => {
  it.each([
    // attempt that failed, random draw, delay
    [1, 0.5, 10_000],
    [2, 0.5, 40_000],
    [3, 0.99, 90_000],
    [4, 0.5, 180_000],
    [5, 0.5, 360_000],
    [6, 0.5, 720_000],
    [4, 0, 144_000],
    [4, 1, 216_000],
    [10, 0.5, 3_600_000],
    [50, 0.5, 3_600_000],
  ])('after failed attempt %i (draw %f) waits %i ms', (attempt, random, delay) => {
    expect(retryDelayMs(attempt, KAPSO, random)).toBe(delay);
  });

  it('follows a configured schedule before backing off exponentially', () => {
    expect([1, 2, 3].map((a) => retryDelayMs(a, [1_000, 2_000], 0.5))).toEqual([1_000, 2_000, 4_000]);
  });

  it('gives up when the next attempt would fall after the deadline', () => {
    expect(nextAttemptAt(1, 0, 10_000, KAPSO, 0.5)).toBe(10_000);
    expect(nextAttemptAt(1, 0, 9_999, KAPSO, 0.5)).toBeNull();
  });
});

describe('webhook signing (kapso-api.md §8.3 test vector)', () => {
  const body = '{"phone_number_id":"112233445566778"}';

  it('signs the exact body with HMAC-SHA256 in lowercase hex, no prefix', () => {
    expect(signBody(body, 'test-secret')).toBe('96eb2833e4589d04fe9719b7c85b4e40a28d0a2868cfe959cd4bd63d816c172d');
  });

  it('keys a raw Meta forward by the SHA-256 of its payload', () => {
    expect(sha256Hex(body)).toBe('cb2934fd57ea772466e45720832f875b8eeba5b330be5cfc631e463da015d890');
  });

  it('signs unicode bodies over their UTF-8 bytes', () => {
    expect(signBody('{"t":"olá 🚚"}', 'k')).not.toBe(signBody('{"t":"ola 🚚"}', 'k'));
  });
});
