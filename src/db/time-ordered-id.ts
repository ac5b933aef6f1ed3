import { randomUUID } from 'node:crypto';

/**
 * A version-7 UUID (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits, so ids made
 * later sort later and a unique index on them grows at its end. Built on randomUUID, whose
 * entropy Node draws from the OS in batches: a UUID library's v7 that asks for 16 fresh bytes
 * per id cost 2 % of ingest (measured). Ids of the same millisecond are in no particular order.
 */
export function timeOrderedUuid(nowMs: number = Date.now()): string {
  const time = nowMs.toString(16).padStart(12, '0');
  // randomUUID: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; its variant nibble V is already RFC 9562's.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
