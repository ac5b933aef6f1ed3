/**
 * Recipient normalisation for the send API (meta-cloud-api.md §2.1, §7.3): `to` may carry `+`,
 * `-`, `(`, `)`, dots and spaces; `wa_id` is its digits. Without `+`, Meta prepends the business
 * number's country calling code; we do so only when the digits do not already start with it
 * [inferred: senders routinely omit the `+` of full international numbers and Meta accepts them].
 */

// ITU E.164 calling codes of length 1 and 2; every other code is 3 digits long.
const oneDigit = new Set(['1', '7']);
const twoDigit = new Set(
  ('20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 ' +
    '81 82 84 86 90 91 92 93 94 95 98').split(' '),
);

/** The country calling code a digits-only E.164 number starts with. */
export function callingCode(digits: string): string {
  if (oneDigit.has(digits.slice(0, 1))) return digits.slice(0, 1);
  if (twoDigit.has(digits.slice(0, 2))) return digits.slice(0, 2);
  return digits.slice(0, 3);
}

/** Digits only: `+1 (415) 555-0123` → `14155550123`. */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '');
}

/** The `wa_id` Meta answers for a `to`, or undefined when `to` is not a phone number at all. */
export function normalizeRecipient(to: string, businessNumber: string): string | undefined {
  const trimmed = to.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
  const digits = phoneDigits(trimmed);
  if (digits.length < 5 || digits.length > 15) return undefined;
  if (trimmed.startsWith('+')) return digits;
  const code = callingCode(phoneDigits(businessNumber));
  return digits.startsWith(code) ? digits : `${code}${digits}`;
}
