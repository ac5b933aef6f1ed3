import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Config, ConfigError } from '../config.ts';
import { storeCapabilities } from '../db/capabilities.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { assertStrongSecret, type Cipher, createCipher, secretSlots } from '../crypto/secrets.ts';
import { type CheckResult, fail, ok, warn } from './check.ts';

const NEW_SECRET = 'openssl rand -base64 32';

/** The secret this deployment's processes would use, found without generating one (doctor writes nothing). */
export type FoundSecret = { secret: string; source: string } | { secret: null; missing: string; fix: string; fatal: boolean };

/** SWITCHBOARD_SECRET, else (SQLite only) the generated `<data folder>/secret.key`, as resolveSecret reads them. */
export function findSecret(config: Pick<Config, 'secret' | 'db'>): FoundSecret {
  if (config.secret !== undefined) return { secret: config.secret, source: 'SWITCHBOARD_SECRET' };
  if (!storeCapabilities(config.db.url).generatesSecret) {
    return { secret: null, missing: 'SWITCHBOARD_SECRET is not set (PostgreSQL deployments must set it)', fix: `set SWITCHBOARD_SECRET to the secret this deployment's tokens were sealed with (a new deployment: ${NEW_SECRET})`, fatal: true };
  }
  const file = resolve(config.db.dataDir, 'secret.key');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), source: `${file} (the generated SWITCHBOARD_SECRET)` };
  return { secret: null, missing: `SWITCHBOARD_SECRET is not set and ${file} does not exist`, fix: `restore ${file} from a backup, or set SWITCHBOARD_SECRET to the secret the stored tokens were sealed with`, fatal: false };
}

/**
 * The secret is there, strong, and opens every stored number's access token and app secret.
 * Says which numbers' tokens it cannot open, never the secret or a token. Returns the cipher when
 * the secret is usable, for the Meta checks.
 */
export function checkSecret(config: Pick<Config, 'secret' | 'db'>, numbers: readonly PhoneNumberRow[] | null): { result: CheckResult; cipher: Cipher | null } {
  const found = findSecret(config);
  if (found.secret === null) {
    // Nothing sealed yet on SQLite: serve generates the key on its first start.
    if (!found.fatal && numbers === null) return { result: warn('secret', `${found.missing}; not tried on the stored tokens (the database is not ready)`, found.fix), cipher: null };
    if (!found.fatal && numbers?.length === 0) return { result: ok('secret', `${found.missing}; serve generates it on first start`), cipher: null };
    return { result: fail('secret', found.missing, found.fix), cipher: null };
  }
  try {
    assertStrongSecret(found.secret, found.source);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { result: fail('secret', err.message, `set SWITCHBOARD_SECRET to a strong secret (${NEW_SECRET}), then give each number its tokens again (\`switchboard numbers update --access-token-file PATH --app-secret-file PATH\`): serve refuses a weak one`), cipher: null };
  }
  const cipher = createCipher(found.secret);
  if (numbers === null) {
    return { result: warn('secret', `${found.source} is set and strong; not tried on the stored tokens (the database is not ready)`, 'fix the database checks above, then run `switchboard doctor` again'), cipher };
  }
  const unopened = numbers.filter((n) => !opens(cipher, n));
  if (unopened.length > 0) {
    const ids = unopened.map((n) => n.id).join(', ');
    const detail = `${found.source} does not open the stored tokens of ${unopened.length} of ${numbers.length} numbers (${ids})`;
    return { result: fail('secret', detail, 'set SWITCHBOARD_SECRET to the secret they were sealed with (serve refuses to start until then)'), cipher };
  }
  return { result: ok('secret', `${found.source} opens the stored tokens of ${numbers.length} number${numbers.length === 1 ? '' : 's'}`), cipher };
}

/** Whether the cipher opens a number's access token and app secret (AES-GCM fails on a wrong key). */
export function opens(cipher: Cipher, number: PhoneNumberRow): boolean {
  try {
    cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id));
    cipher.decrypt(number.app_secret_enc, secretSlots.appSecret(number.id));
    return true;
  } catch {
    return false;
  }
}
