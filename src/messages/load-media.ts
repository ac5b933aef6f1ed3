import type { Kysely } from 'kysely';
import type { DB, MessageRow } from '../db/schema.ts';
import { type FieldSelection, wantsKapsoField } from '../http/fields.ts';
import { type MessageMedia, messageMediaOf } from '../media/present-media.ts';
import type { MediaUrlSigner } from '../crypto/signed-url.ts';
import { findMediaOfMessages } from '../media/store.ts';

/** The `kapso` keys that show a message's media file or its state. */
const MEDIA_KEYS = ['media_url', 'media_data', 'content', 'message_type_data'] as const;

/**
 * The media files of the media messages among `rows` (all of one number), keyed by wamid, each
 * with a freshly signed URL: one query for a whole page, and none when the page holds no media
 * message or the selection shows none of the keys that use it.
 */
export async function loadMessageMedia(
  db: Kysely<DB>,
  signer: MediaUrlSigner,
  nowMs: number,
  selection: FieldSelection,
  phoneNumberId: string,
  rows: readonly MessageRow[],
): Promise<Map<string, MessageMedia>> {
  const ids = rows.filter((row) => Number(row.has_media) !== 0).map((row) => row.id);
  if (ids.length === 0 || !MEDIA_KEYS.some((key) => wantsKapsoField(selection.kapso, key))) return new Map();
  const media = await findMediaOfMessages(db, phoneNumberId, ids);
  return new Map(media.map((row) => [row.message_id as string, messageMediaOf(row, signer, nowMs)]));
}
