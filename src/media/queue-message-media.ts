import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { type MediaMessage, mediaJobOf } from './message-media.ts';
import { enqueueMessageMedia } from './queue-store.ts';

/**
 * Queues the download of a newly stored message's media inside the message's own transaction
 * (ingest and the send path alike): the job exists exactly when the message does, and nothing
 * here waits for the file. One append to the media queue for a media message (the worker turns
 * it into a `media` row), nothing for any other.
 */
export async function queueMessageMedia(trx: Transaction<DB>, m: MediaMessage, now: number): Promise<boolean> {
  const job = mediaJobOf(m);
  if (!job) return false;
  await enqueueMessageMedia(trx, job, now);
  return true;
}
