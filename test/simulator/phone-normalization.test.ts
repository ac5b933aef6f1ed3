import { describe, expect, it } from 'vitest';
import { callingCode, normalizeRecipient } from '../../src/simulator/phone.ts';

describe('normalizeRecipient (meta-cloud-api.md §2.1)', () => {
  it.each([
    ['+14155550123', '15550102030', '14155550123'],
    ['+1 (415) 555-0123', '15550102030', '14155550123'],
    ['14155550123', '15550102030', '14155550123'],
    ['(415) 555-0123', '15550102030', '14155550123'],
    // The documented example: an Indian business sending to (631) 555-1234 reaches +91 631 555 1234.
    ['(631) 555-1234', '919800000009', '916315551234'],
    ['+447700900123', '15550102030', '447700900123'],
  ])('turns %s from business %s into wa_id %s', (to, business, waId) => {
    expect(normalizeRecipient(to, business)).toBe(waId);
  });

  it.each(['hello', '+1', '12', '1234567890123456', 'wamid.x'])('rejects %s', (to) => {
    expect(normalizeRecipient(to, '15550102030')).toBeUndefined();
  });

  it.each([
    ['15550102030', '1'],
    ['79161234567', '7'],
    ['447700900123', '44'],
    ['919800000001', '91'],
    ['353861234567', '353'],
  ])('reads the calling code of %s as %s', (digits, code) => {
    expect(callingCode(digits)).toBe(code);
  });
});
