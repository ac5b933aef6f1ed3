import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, keyMatchesHash, prefixOf } from '../../src/tenants/keys.ts';
import { createCipher } from '../../src/tenants/secrets.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

describe('API keys', () => {
  it('are random, carry a lookup prefix, and match only their own hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).not.toBe(b.key);
    expect(prefixOf(a.key)).toBe(a.prefix);
    expect(keyMatchesHash(a.key, a.hash)).toBe(true);
    expect(keyMatchesHash(b.key, a.hash)).toBe(false);
    // The secret is everything after `sbk_<prefix>_`; it may itself contain `_` (base64url).
    const secret = a.key.slice(`sbk_${a.prefix}_`.length);
    expect(secret).toHaveLength(32);
    expect(a.hash).not.toContain(secret);
  });

  it.each(['', 'sbk_', 'sbk_short_x', `sbk_${'A'.repeat(12)}_${'B'.repeat(31)}`, 'Bearer sbk_x'])('has no prefix for the malformed key %j', (key) => {
    expect(prefixOf(key)).toBeNull();
  });
});

describe('secrets at rest', () => {
  const cipher = createCipher('a passphrase');

  it('round-trips with a fresh nonce every time', () => {
    const a = cipher.encrypt('EAAG-access-token');
    const b = cipher.encrypt('EAAG-access-token');
    expect(a).not.toBe(b);
    expect(cipher.decrypt(a)).toBe('EAAG-access-token');
  });

  it('refuses a tampered ciphertext and the wrong key', () => {
    const sealed = cipher.encrypt('app-secret');
    const parts = sealed.split(':');
    const last = parts[3] ?? '';
    parts[3] = `${last.slice(0, -2)}${last.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(() => cipher.decrypt(parts.join(':'))).toThrow();
    expect(() => createCipher('another passphrase').decrypt(sealed)).toThrow();
  });
});

describe.each(dialects)('stored tenancy rows (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  it('keep no API key, access token, app secret or verify token in clear', async () => {
    const t = await newTenant(gw);
    const { db } = gw.deps.database;
    const keys = await db.selectFrom('api_keys').selectAll().where('project_id', '=', t.projectId).execute();
    const numbers = await db.selectFrom('phone_numbers').selectAll().where('id', '=', t.phoneNumberId).execute();
    const stored = JSON.stringify([keys, numbers]);
    expect(stored).not.toContain(t.apiKey);
    expect(stored).not.toContain(t.appSecret);
    expect(stored).not.toContain(t.verifyToken);
    expect(stored).not.toContain('token-');
    expect(gw.deps.cipher.decrypt(numbers[0]?.app_secret_enc ?? '')).toBe(t.appSecret);
  });
});
