import type { Deps } from '../deps.ts';
import type { MediaRow, PhoneNumberRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { formatInstant } from '../http/instants.ts';
import type { MediaUrlSigner } from '../crypto/signed-url.ts';
import { isMetaMediaQueued } from './queue-store.ts';
import { findMediaByMetaId } from './store.ts';
import { PRUNED_MEDIA_REASON } from './pruned.ts';

/** How long a client should wait before asking again for media still being copied. */
const RETRY_AFTER_SECONDS = 2;

/**
 * `GET /{media_id}?phone_number_id=` as the gateway answers it (kapso-api.md §6.4.2): Meta's
 * metadata object, but `url` and `download_url` are the gateway's own signed URL of its copy.
 * Kapso's SDK up to 0.2 fetches `url` with no headers at all, and Meta's lookaside URL needs the
 * business's Meta token, which clients of the gateway do not hold. Pure: signer and clock passed in.
 */
export function presentMediaMetadata(row: MediaRow, metaMediaId: string, signer: MediaUrlSigner, nowMs: number): Record<string, unknown> {
  const { url, expiresAtSeconds } = signer.urlFor(row.id, nowMs);
  return {
    messaging_product: 'whatsapp',
    id: metaMediaId,
    url,
    // What the gateway serves: Meta's announced type unless the bytes said otherwise.
    mime_type: row.content_type,
    sha256: row.sha256,
    // Meta sends the size as a string.
    file_size: String(row.byte_size),
    download_url: url,
    download_url_expires_at: formatInstant(expiresAtSeconds * 1000),
  };
}

/**
 * The metadata of a media id of `number`, from the gateway's copy. A media id the gateway never
 * saw on a message of this number answers as one that does not exist; one still downloading,
 * 503 with Retry-After; one that failed for good, why.
 */
export async function describeMedia(deps: Deps, number: PhoneNumberRow, metaMediaId: string): Promise<Record<string, unknown>> {
  const { db } = deps.database;
  const row = await findMediaByMetaId(db, number.id, metaMediaId);
  if (!row && !(await isMetaMediaQueued(db, number.id, metaMediaId))) throw errors.notFound('media', metaMediaId);
  if (row?.state === 'failed' && row.failure_reason === PRUNED_MEDIA_REASON) throw errors.mediaPruned(metaMediaId);
  if (row?.state === 'failed') throw errors.mediaCopyFailed(metaMediaId, row.failure_reason ?? 'unknown reason');
  if (row?.state !== 'stored') {
    deps.mediaBell.ring();
    throw errors.mediaNotCopiedYet(RETRY_AFTER_SECONDS);
  }
  return presentMediaMetadata(row, metaMediaId, deps.mediaUrls, deps.clock.now());
}
