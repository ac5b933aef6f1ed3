import { errors } from '../http/errors.ts';

/** A contact's free-form metadata (kapso-api.md §6.3): a JSON object. */
export type Metadata = Record<string, unknown>;

export const MAX_METADATA_KEYS = 100;
export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * Merges a PATCH's `metadata` into the stored object, one level deep: each key given replaces the
 * stored value, `null` removes the key, keys not given are kept. The spec leaves replace-or-merge
 * open (§6.3.3); merging lets two integrations each keep their own keys. Throws 400 naming
 * `metadata` when the result would exceed the limits.
 */
export function mergeMetadata(stored: unknown, patch: Metadata): Metadata {
  const merged: Metadata = Object.create(null) as Metadata;
  for (const [key, value] of Object.entries(isObject(stored) ? stored : {})) merged[key] = value;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const keys = Object.keys(merged).length;
  if (keys > MAX_METADATA_KEYS) throw tooLarge(`it would hold ${keys} keys; the limit is ${MAX_METADATA_KEYS}`);
  const bytes = Buffer.byteLength(JSON.stringify(merged));
  if (bytes > MAX_METADATA_BYTES) throw tooLarge(`it would take ${bytes} bytes as JSON; the limit is ${MAX_METADATA_BYTES}`);
  return { ...merged };
}

function isObject(value: unknown): value is Metadata {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tooLarge(reason: string) {
  return errors.invalidParameter('metadata', `Parameter 'metadata' is too large: ${reason}.`);
}
