import { describe, expect, it } from 'vitest';
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from '../../src/crypto/password-hash.ts';

describe('member passwords', () => {
  it('are stored as scrypt$N$r$p$salt$hash with a fresh salt, never in clear', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
  });

  it('verify only the password they were made from, at the cost they name', async () => {
    const cheap = await hashPassword('correct horse battery', { N: 2 ** 10, r: 8, p: 1 });
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', cheap)).toBe(true);
    expect(await verifyPassword('correct horse batterY', cheap)).toBe(false);
    expect(await verifyPassword('', cheap)).toBe(false);
  });

  it.each([
    ['another scheme', 'bcrypt$2b$10$abc'],
    ['a missing part', 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA'],
    ['N not a power of two', `scrypt$1000$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['N too large to compute', `scrypt$${2 ** 24}$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['a short salt', `scrypt$1024$8$1$AAAA$${'A'.repeat(43)}`],
    ['empty', ''],
  ])('never match a malformed hash: %s', async (_what, stored) => {
    expect(await verifyPassword('anything at all', stored)).toBe(false);
  });

  it('have a hash no password matches, for unknown emails', async () => {
    expect(await verifyPassword('', UNMATCHABLE_HASH)).toBe(false);
    expect(await verifyPassword('password123', UNMATCHABLE_HASH)).toBe(false);
  });
});
