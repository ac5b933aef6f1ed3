import { errors } from '../http/errors.ts';
import type { AppSecrets } from './app-secrets.ts';
import { phoneNumberIdsOf } from './normalize.ts';
import { isWellFormedSignature, verifySignature } from './signature.ts';

/**
 * Checks `X-Hub-Signature-256` over the raw bytes (meta-cloud-api.md §1.2). The payload is parsed
 * first only to learn which numbers it names; nothing in it is trusted until this passes. Every
 * named number's app secret must verify the body; a payload naming a number that is not
 * registered here cannot be verified and is refused. Payloads that name no number (management
 * fields) verify against the app secret of any number of the WABA in `entry[].id`.
 */
export async function assertSignedByMeta(raw: Buffer, parsed: unknown, header: string | undefined, secrets: AppSecrets): Promise<void> {
  if (!header) throw errors.invalidSignature('missing');
  if (!isWellFormedSignature(header)) throw errors.invalidSignature('malformed');
  const numbers = capped(phoneNumberIdsOf(parsed));
  if (numbers.length > 0) {
    const appSecrets = await secrets.forNumbers(numbers);
    if (!appSecrets || !appSecrets.every((s) => verifySignature(raw, header, s))) throw errors.invalidSignature();
    return;
  }
  const appSecrets = await secrets.forWabas(capped(wabaIdsOf(parsed)));
  if (!appSecrets.some((s) => verifySignature(raw, header, s))) throw errors.invalidSignature();
}

/**
 * Ids a payload may name before its signature is known. Meta batches at most a few hundred
 * changes, each naming one number of one WABA; an unsigned body naming thousands would otherwise
 * drive one `in (…)` lookup of all of them (past SQLite's variable limit) before it is refused.
 */
export const MAX_IDS_PER_WEBHOOK = 500;

function capped(ids: string[]): string[] {
  if (ids.length > MAX_IDS_PER_WEBHOOK) {
    throw errors.invalidParameter('entry', `A webhook payload names at most ${MAX_IDS_PER_WEBHOOK} phone numbers or WhatsApp Business Accounts.`);
  }
  return ids;
}

function wabaIdsOf(parsed: unknown): string[] {
  const entries = (parsed as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries)) return [];
  return [...new Set(entries.map((e) => (e as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string'))];
}
