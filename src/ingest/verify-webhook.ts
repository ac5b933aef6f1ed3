import { errors } from '../http/errors.ts';
import type { AppSecrets } from './app-secrets.ts';
import { phoneNumberIdsOf } from './normalize.ts';
import { verifySignature } from './signature.ts';

/**
 * Checks `X-Hub-Signature-256` over the raw bytes (meta-cloud-api.md §1.2). The payload is parsed
 * first only to learn which numbers it names; nothing in it is trusted until this passes. Every
 * named number's app secret must verify the body; a payload naming a number that is not
 * registered here cannot be verified and is refused. Payloads that name no number (management
 * fields) verify against the app secret of any number of the WABA in `entry[].id`.
 */
export async function assertSignedByMeta(raw: Buffer, parsed: unknown, header: string | undefined, secrets: AppSecrets): Promise<void> {
  if (!header) throw errors.invalidSignature();
  const numbers = phoneNumberIdsOf(parsed);
  if (numbers.length > 0) {
    const appSecrets = await secrets.forNumbers(numbers);
    if (!appSecrets || !appSecrets.every((s) => verifySignature(raw, header, s))) throw errors.invalidSignature();
    return;
  }
  const appSecrets = await secrets.forWabas(wabaIdsOf(parsed));
  if (!appSecrets.some((s) => verifySignature(raw, header, s))) throw errors.invalidSignature();
}

function wabaIdsOf(parsed: unknown): string[] {
  const entries = (parsed as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries)) return [];
  return [...new Set(entries.map((e) => (e as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string'))];
}
