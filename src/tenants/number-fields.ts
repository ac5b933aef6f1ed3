import { LIMIT_SETTINGS_HELP, tierOfSetting } from './messaging-limit.ts';
import { TenancyError } from './tenancy-error.ts';

/** Meta's ids (phone_number_id, WABA id) are decimal digits; 5–20 covers every id Meta issues. */
export const META_ID = /^\d{5,20}$/;

/** What a display number may be typed as: digits with an optional `+`, spaces, dashes, dots, parentheses. */
const DISPLAY_INPUT = /^\+?[\d\s().-]+$/;

/**
 * The display number as stored: E.164 digits without the `+` (`+1 (555) 010-0000` → `15550100000`),
 * or null when it is not an E.164 number (8–15 digits). Printed everywhere as `+` and these digits.
 */
export function normaliseDisplayNumber(input: string): string | null {
  if (!DISPLAY_INPUT.test(input.trim())) return null;
  const digits = input.replace(/\D/g, '');
  return digits.length >= 8 && digits.length <= 15 ? digits : null;
}

/** How a stored display number is printed (banner, CLI, Platform API): E.164 with its `+`. */
export function formatDisplayNumber(stored: string): string {
  return `+${stored}`;
}

/** Names the field as the caller typed it: a CLI flag or a JSON parameter. */
export type FieldNamer = (field: 'phone_number_id' | 'display_phone_number' | 'waba_id' | 'verify_token' | 'access_token' | 'app_secret' | 'max_messages_per_second' | 'messaging_limit') => string;

export const cliFlag: FieldNamer = (field) => `--${field.replaceAll('_', '-')}`;

/** Refuses an id that is not one of Meta's numeric ids. */
export function checkMetaId(value: string, field: 'phone_number_id' | 'waba_id', name: FieldNamer = cliFlag): string {
  if (!META_ID.test(value)) throw new TenancyError(`${name(field)} must be Meta's numeric id (5 to 20 digits), not "${value}"`);
  return value;
}

/** Normalises a display number, refusing what is not E.164. */
export function checkDisplayNumber(value: string, name: FieldNamer = cliFlag): string {
  const stored = normaliseDisplayNumber(value);
  if (stored === null) {
    throw new TenancyError(`${name('display_phone_number')} must be an E.164 number such as +15550100000 (8 to 15 digits, + optional), not "${value}"`);
  }
  return stored;
}

/** Meta's throughput levels run from 80 to 1,000 messages/s; a lower rate is the operator's choice. */
export const MAX_SEND_RATE = 1000;

/** A number's send rate: a whole number of messages/s from 1 to 1,000, or null for the default. */
export function checkSendRate(value: number | null, name: FieldNamer = cliFlag): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_SEND_RATE) throw new TenancyError(`${name('max_messages_per_second')} must be a whole number from 1 to ${MAX_SEND_RATE} (messages per second)`);
  return value;
}

/** A messaging limit the operator sets: Meta's tier for it (messaging-limit.ts), refusing what has none. */
export function checkMessagingLimit(value: string | number, name: FieldNamer = cliFlag): string {
  const tier = tierOfSetting(value);
  if (tier === null) throw new TenancyError(`${name('messaging_limit')} must be ${LIMIT_SETTINGS_HELP}, or meta to read it from Meta, not "${value}"`);
  return tier;
}

/** Refuses an empty secret or token. */
export function checkNonEmpty(value: string, field: 'verify_token' | 'access_token' | 'app_secret', name: FieldNamer = cliFlag): string {
  if (value.trim() === '') throw new TenancyError(`${name(field)} must not be empty`);
  return value;
}
