import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Encrypts and decrypts secrets at rest (Meta access tokens, app secrets) with AES-256-GCM. */
export interface Cipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

const VERSION = 'v1';

/** Builds the cipher from a passphrase of any length (SHA-256 stretches it to a 256-bit key). */
export function createCipher(secret: string): Cipher {
  const key = createHash('sha256').update(secret, 'utf8').digest();
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The key for secrets at rest: SWITCHBOARD_SECRET when set; on the embedded default a random key
 * generated once into `<dataDir>/secret.key` (0600). PostgreSQL deployments must set it, since
 * several processes on several hosts have to share it.
 */
export function resolveSecret(opts: { configured: string | undefined; dataDir: string; embedded: boolean }): string {
  if (opts.configured) return opts.configured;
  if (!opts.embedded) {
    throw new Error('SWITCHBOARD_SECRET must be set when DATABASE_URL is PostgreSQL (it encrypts Meta secrets at rest)');
  }
  const file = join(opts.dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(opts.dataDir, { recursive: true });
  const generated = randomBytes(32).toString('base64url');
  writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return generated;
}
