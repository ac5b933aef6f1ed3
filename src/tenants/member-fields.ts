import type { UserRole } from '../db/schema.ts';
import { TenancyError } from './tenancy-error.ts';

/* Checks of what an operator gives for a member (pure): the CLI's messages come from here. */

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 1024;
export const ROLES: readonly UserRole[] = ['admin', 'agent'];

/** The email as stored: trimmed and lowercase, so sign-in ignores case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A normalized email, or a TenancyError naming the problem. */
export function checkEmail(email: string): string {
  const normalized = normalizeEmail(email);
  if (normalized.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(normalized)) throw new TenancyError(`'${email}' is not an email address`);
  return normalized;
}

/** The password if long enough to set, else a TenancyError saying what is needed. */
export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) throw new TenancyError(`the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new TenancyError(`the password is too long: use at most ${MAX_PASSWORD_LENGTH} characters`);
  return password;
}

/** A role name, or a TenancyError listing the roles. */
export function checkRole(role: string): UserRole {
  if (!(ROLES as readonly string[]).includes(role)) throw new TenancyError(`role must be one of: ${ROLES.join(', ')}`);
  return role as UserRole;
}
