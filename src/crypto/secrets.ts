import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.ts';

/**
 * Where a sealed secret is stored (table, column, row id). It is bound into the ciphertext as
 * AES-GCM associated data, so a ciphertext copied into another row or column does not decrypt:
 * someone able to write the database cannot, say, move a Meta token into their own webhook's
 * secret and read it back through the API.
 */
export interface SecretSlot {
  table: 'phone_numbers' | 'webhooks' | 'sandbox';
  column: 'access_token_enc' | 'app_secret_enc' | 'secret_enc' | 'api_key_enc';
  rowId: string;
}

/** The slots secrets are stored in (every caller names its slot through these). */
export const secretSlots = {
  accessToken: (phoneNumberId: string): SecretSlot => ({ table: 'phone_numbers', column: 'access_token_enc', rowId: phoneNumberId }),
  appSecret: (phoneNumberId: string): SecretSlot => ({ table: 'phone_numbers', column: 'app_secret_enc', rowId: phoneNumberId }),
  webhookSecret: (webhookId: string): SecretSlot => ({ table: 'webhooks', column: 'secret_enc', rowId: webhookId }),
  sandboxApiKey: (projectId: string): SecretSlot => ({ table: 'sandbox', column: 'api_key_enc', rowId: projectId }),
};

/** Encrypts and decrypts secrets at rest (Meta access tokens, app secrets, webhook secrets) with AES-256-GCM. */
export interface Cipher {
  encrypt(plain: string, slot: SecretSlot): string;
  /** Opens a current (`v2`) ciphertext, or a legacy `v1` one until it is re-sealed (tenants/reseal-secrets.ts). */
  decrypt(sealed: string, slot: SecretSlot): string;
  /** Whether a stored value is in the legacy `v1` format (to be re-sealed at start). */
  isLegacy(sealed: string): boolean;
}

/** `v2`: key by HKDF-SHA-256 from the secret, the slot as associated data. */
const VERSION = 'v2';
/** `v1` (the first format): key = SHA-256 of the secret, no associated data. Read, never written. */
const LEGACY_VERSION = 'v1';
const KEY_LABEL = 'switchboard secrets at rest v2';

/**
 * Builds the cipher from SWITCHBOARD_SECRET. HKDF rather than a slow KDF (scrypt): the secret is
 * required to be long and random (assertStrongSecret), where a slow KDF adds nothing, and a slow
 * KDF would need a per-deployment salt that every process shares before it can read anything.
 */
export function createCipher(secret: string): Cipher {
  const key = Buffer.from(hkdfSync('sha256', secret, '', KEY_LABEL, 32));
  const legacyKey = createHash('sha256').update(secret, 'utf8').digest();
  return {
    encrypt(plain, slot) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(associatedData(slot));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(sealed, slot) {
      const [version, iv, tag, body] = sealed.split(':');
      if ((version !== VERSION && version !== LEGACY_VERSION) || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', version === VERSION ? key : legacyKey, Buffer.from(iv, 'base64url'));
      if (version === VERSION) decipher.setAAD(associatedData(slot));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
    isLegacy: (sealed) => sealed.startsWith(`${LEGACY_VERSION}:`),
  };
}

function associatedData(slot: SecretSlot): Buffer {
  return Buffer.from(`${slot.table}\u0000${slot.column}\u0000${slot.rowId}`, 'utf8');
}

const MIN_SECRET_LENGTH = 32;
const MIN_DISTINCT_CHARACTERS = 12;

/**
 * Refuses a secret too weak to key secrets at rest: fewer than 32 characters (what 256 random
 * bits take in base64 with `openssl rand -base64 32`: 44), or so repetitive it cannot be random.
 */
export function assertStrongSecret(secret: string, source: string): void {
  if (secret.length >= MIN_SECRET_LENGTH && new Set(secret).size >= MIN_DISTINCT_CHARACTERS) return;
  throw new ConfigError(
    `${source} is too weak: it must be at least ${MIN_SECRET_LENGTH} random characters (256 bits); generate one with: openssl rand -base64 32`,
  );
}

/**
 * The key for secrets at rest: SWITCHBOARD_SECRET when set; on the embedded default a random key
 * generated once into `<dataDir>/secret.key` (0600). PostgreSQL deployments must set it, since
 * several processes on several hosts have to share it. Either must be strong (assertStrongSecret).
 */
export function resolveSecret(opts: { configured: string | undefined; dataDir: string; embedded: boolean }): string {
  if (opts.configured !== undefined) {
    assertStrongSecret(opts.configured, 'SWITCHBOARD_SECRET');
    return opts.configured;
  }
  if (!opts.embedded) {
    throw new ConfigError('SWITCHBOARD_SECRET must be set when DATABASE_URL is PostgreSQL (it encrypts Meta secrets at rest); generate one with: openssl rand -base64 32');
  }
  const file = join(opts.dataDir, 'secret.key');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    assertStrongSecret(stored, `${file} (the generated SWITCHBOARD_SECRET)`);
    return stored;
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const generated = randomBytes(32).toString('base64url');
  writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return generated;
}
