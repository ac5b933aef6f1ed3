import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generateApiKey, keyMatchesHash, prefixOf } from '../../src/tenants/keys.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resealLegacySecrets } from '../../src/tenants/reseal-secrets.ts';
import { assertStrongSecret, createCipher, resolveSecret, secretSlots } from '../../src/crypto/secrets.ts';
import { runCli } from '../helpers/cli.ts';
import { sealLegacy } from '../helpers/legacy-seal.ts';
import { subscribe } from '../helpers/outbox.ts';
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

const SECRET = 'AYk3P0v2Zt1c9QeXw8uHn5LrB7mJ4sDf6GgTiKoE=';
const TOKEN_SLOT = secretSlots.accessToken('106540352242922');

describe('secrets at rest', () => {
  const cipher = createCipher(SECRET);

  it('round-trips with a fresh nonce every time, in the current format', () => {
    const a = cipher.encrypt('EAAG-access-token', TOKEN_SLOT);
    const b = cipher.encrypt('EAAG-access-token', TOKEN_SLOT);
    expect(a).not.toBe(b);
    expect(a.startsWith('v2:')).toBe(true);
    expect(cipher.decrypt(a, TOKEN_SLOT)).toBe('EAAG-access-token');
  });

  it('refuses a tampered ciphertext and the wrong key', () => {
    const sealed = cipher.encrypt('app-secret', TOKEN_SLOT);
    const parts = sealed.split(':');
    const last = parts[3] ?? '';
    parts[3] = `${last.slice(0, -2)}${last.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(() => cipher.decrypt(parts.join(':'), TOKEN_SLOT)).toThrow();
    expect(() => createCipher(`${SECRET}x`).decrypt(sealed, TOKEN_SLOT)).toThrow();
  });

  it.each([
    ['another row', secretSlots.accessToken('106540352242923')],
    ['another column', secretSlots.appSecret('106540352242922')],
    ['another table', secretSlots.webhookSecret('106540352242922')],
  ])('does not open a ciphertext moved to %s', (_, slot) => {
    const sealed = cipher.encrypt('EAAG-access-token', TOKEN_SLOT);
    expect(() => cipher.decrypt(sealed, slot)).toThrow();
  });

  it('still opens a ciphertext in the legacy format (SHA-256 key, no associated data)', () => {
    const legacy = sealLegacy(SECRET, 'EAAG-old-token');
    expect(cipher.isLegacy(legacy)).toBe(true);
    expect(cipher.decrypt(legacy, TOKEN_SLOT)).toBe('EAAG-old-token');
  });
});

describe('SWITCHBOARD_SECRET', () => {
  it.each(['short', 'a'.repeat(64), 'passwordpasswordpasswordpassword', 'test-secret-do-not-use'])('is refused when weak: %j', (weak) => {
    expect(() => resolveSecret({ configured: weak, dataDir: '/nonexistent', embedded: false })).toThrow(
      /^SWITCHBOARD_SECRET is too weak: .*openssl rand -base64 32$/,
    );
  });

  it('is accepted from `openssl rand -base64 32`', () => {
    expect(resolveSecret({ configured: randomBytes(32).toString('base64'), dataDir: '/nonexistent', embedded: false })).toHaveLength(44);
  });

  it('is generated strong on the embedded default, and read back on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-secret-'));
    const generated = resolveSecret({ configured: undefined, dataDir: dir, embedded: true });
    expect(() => assertStrongSecret(generated, 'generated')).not.toThrow();
    expect(resolveSecret({ configured: undefined, dataDir: dir, embedded: true })).toBe(generated);
  });

  it('is refused at start with one line naming it', () => {
    const r = runCli(['numbers', 'list'], { DATABASE_URL: `sqlite:${mkdtempSync(join(tmpdir(), 'sb-weak-'))}/db.sqlite`, SWITCHBOARD_SECRET: 'hunter2' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^switchboard: SWITCHBOARD_SECRET is too weak: .*openssl rand -base64 32$/)]);
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
    expect(gw.deps.cipher.decrypt(numbers[0]?.app_secret_enc ?? '', secretSlots.appSecret(t.phoneNumberId))).toBe(t.appSecret);
  });

  it('re-seals secrets stored in the legacy format on start, once, keeping what they open to', async () => {
    const t = await newTenant(gw);
    const hook = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: 'https://example.com/hook' });
    const { db } = gw.deps.database;
    const secret = gw.deps.config.secret ?? '';
    await db
      .updateTable('phone_numbers')
      .set({ access_token_enc: sealLegacy(secret, 'EAAG-legacy-token'), app_secret_enc: sealLegacy(secret, t.appSecret) })
      .where('id', '=', t.phoneNumberId)
      .execute();
    await db.updateTable('webhooks').set({ secret_enc: sealLegacy(secret, hook.secret) }).where('id', '=', hook.id).execute();

    expect(await resealLegacySecrets(gw.deps)).toBeGreaterThanOrEqual(3);
    const number = await db.selectFrom('phone_numbers').selectAll().where('id', '=', t.phoneNumberId).executeTakeFirstOrThrow();
    const webhook = await db.selectFrom('webhooks').selectAll().where('id', '=', hook.id).executeTakeFirstOrThrow();
    for (const sealed of [number.access_token_enc, number.app_secret_enc, webhook.secret_enc]) expect(sealed.startsWith('v2:')).toBe(true);
    expect(gw.deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(t.phoneNumberId))).toBe('EAAG-legacy-token');
    expect(gw.deps.cipher.decrypt(number.app_secret_enc, secretSlots.appSecret(t.phoneNumberId))).toBe(t.appSecret);
    expect(gw.deps.cipher.decrypt(webhook.secret_enc, secretSlots.webhookSecret(hook.id))).toBe(hook.secret);
    // Nothing left to do on the next start.
    expect(await resealLegacySecrets(gw.deps)).toBe(0);
  });
});
