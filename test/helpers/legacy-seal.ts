import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/** The first format of secrets at rest (`v1`), still read: `v1:iv:tag:body`, key = SHA-256(secret), no associated data. */
export function sealLegacy(secret: string, plain: string): string {
  const key = createHash('sha256').update(secret, 'utf8').digest();
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
}
