/**
 * A recipient's number as Kapso stores it: E.164 digits without `+` [R-LR][LEG], from what a
 * client sends (`+14155550123`, or with spaces, dashes, dots and parentheses). Null when it is
 * not 8 to 15 digits with a non-zero country code (E.164's length; Meta's wa_id).
 */
export function normalizeRecipientNumber(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 40) return null;
  const digits = raw.trim().replace(/^\+/, '').replace(/[\s\-.()]/g, '');
  return /^[1-9]\d{7,14}$/.test(digits) ? digits : null;
}
