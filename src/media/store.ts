import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { DB, MediaRow, MediaTable } from '../db/schema.ts';
import { newMediaId } from './media-id.ts';
import { PRUNED_MEDIA_REASON } from './pruned.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A media file to fetch: queued by ingest (inbound) or the send path (outbound). */
export interface MediaJob {
  projectId: string;
  phoneNumberId: string;
  /** The wamid of the message; null for an upload. */
  messageId: string | null;
  metaMediaId: string | null;
  /** The `link` an outbound message named instead of a media id. */
  sourceUrl?: string | null;
  /** The message type (`image`, `audio`, `document`…); null for uploads. */
  kind?: string | null;
  direction: 'inbound' | 'outbound';
  /** As Meta announced it (the webhook's `mime_type`). */
  mimeType: string | null;
  filename: string | null;
}

/** What serving a file needs: a stored row, every blob column present. */
export interface ServableMedia {
  id: string;
  projectId: string;
  contentType: string;
  filename: string | null;
  byteSize: number;
  sha256: string;
  storageKey: string;
}

/** What the blob store and the sniffer said about a downloaded file. */
export interface StoredMedia {
  storageKey: string;
  sha256: string;
  byteSize: number;
  contentType: string;
  /** The type announced by whoever served the file, when the row did not know it yet (outbound). */
  mimeType?: string;
}

/** Narrows a worker's update to the rows it still holds the lease of. */
export interface LeaseHolder {
  lockedBy?: string;
}

/**
 * Queues a media file, due at once. Returns its new id, or undefined when the message already
 * has one (a duplicate webhook): (phone_number_id, message_id) is unique.
 */
export async function insertMediaJob(db: Db, job: MediaJob, now: number): Promise<string | undefined> {
  const inserted = await db
    .insertInto('media')
    .values(newMediaRow(job, now))
    .onConflict((oc) => oc.columns(['phone_number_id', 'message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

/**
 * A new `media` row for a job: pending, due at `now`, with a fresh id. `createdAt` is when the
 * file was queued (the retry rules count from it), `now` unless the job waited in the media queue.
 */
export function newMediaRow(job: MediaJob, now: number, createdAt: number = now): Insertable<MediaTable> {
  return {
    id: newMediaId(),
    project_id: job.projectId,
    phone_number_id: job.phoneNumberId,
    message_id: job.messageId,
    meta_media_id: job.metaMediaId,
    source_url: job.sourceUrl ?? null,
    kind: job.kind ?? null,
    direction: job.direction,
    state: 'pending',
    failure_reason: null,
    mime_type: job.mimeType,
    content_type: null,
    filename: job.filename,
    byte_size: null,
    sha256: null,
    storage_key: null,
    next_attempt_at: now,
    locked_by: null,
    locked_until: null,
    created_at: createdAt,
    updated_at: now,
    stored_at: null,
  };
}

/** A file uploaded through the gateway, kept as it was forwarded to Meta. */
export interface UploadedMedia {
  projectId: string;
  phoneNumberId: string;
  metaMediaId: string;
  kind: string | null;
  mimeType: string;
  filename: string | null;
  stored: StoredMedia;
}

/** Records an upload's copy, already in the blob store: a stored row of no message, never queued. */
export async function insertStoredUpload(db: Db, upload: UploadedMedia, now: number): Promise<string> {
  const job: MediaJob = { ...upload, messageId: null, direction: 'outbound' };
  const row = {
    ...newMediaRow(job, now),
    state: 'stored' as const,
    content_type: upload.stored.contentType,
    byte_size: upload.stored.byteSize,
    sha256: upload.stored.sha256,
    storage_key: upload.stored.storageKey,
    stored_at: now,
  };
  await db.insertInto('media').values(row).execute();
  return row.id;
}

/** A stored media file by our id, for `GET /media/{id}`; pending, failed and unknown ids are absent. */
export async function findMediaForServing(db: Db, id: string): Promise<ServableMedia | undefined> {
  const row = await db
    .selectFrom('media')
    .select(['id', 'project_id', 'content_type', 'filename', 'byte_size', 'sha256', 'storage_key'])
    .where('id', '=', id)
    .where('state', '=', 'stored')
    .executeTakeFirst();
  if (!row || row.content_type === null || row.byte_size === null || row.sha256 === null || row.storage_key === null) return undefined;
  return {
    id: row.id,
    projectId: row.project_id,
    contentType: row.content_type,
    filename: row.filename,
    byteSize: row.byte_size,
    sha256: row.sha256,
    storageKey: row.storage_key,
  };
}

/** Whether a media row by our id lost its file to the retention policy (retention/prune.ts). */
export async function isMediaPruned(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('media').select('id').where('id', '=', id).where('state', '=', sql.lit('failed')).where('failure_reason', '=', PRUNED_MEDIA_REASON).executeTakeFirst();
  return row !== undefined;
}

/** The media row of a message, whatever its state (what the message presenters read). */
export async function findMediaByMessage(db: Db, phoneNumberId: string, messageId: string): Promise<MediaRow | undefined> {
  return db.selectFrom('media').selectAll().where('phone_number_id', '=', phoneNumberId).where('message_id', '=', messageId).executeTakeFirst();
}

/**
 * The copy of a Meta media id of one number: the stored one when there is one (the same upload
 * sent twice has two rows), else the latest attempt at it.
 */
export async function findMediaByMetaId(db: Db, phoneNumberId: string, metaMediaId: string): Promise<MediaRow | undefined> {
  return db
    .selectFrom('media')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('meta_media_id', '=', metaMediaId)
    .orderBy(sql`case when state = 'stored' then 0 else 1 end`)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The media rows of some messages of one number, whatever their state: one query for a page of messages. */
export async function findMediaOfMessages(db: Db, phoneNumberId: string, messageIds: readonly string[]): Promise<MediaRow[]> {
  if (messageIds.length === 0) return [];
  return db.selectFrom('media').selectAll().where('phone_number_id', '=', phoneNumberId).where('message_id', 'in', messageIds).execute();
}

/** Records a finished download: the row becomes servable and leaves the work queue. */
export async function markMediaStored(db: Db, id: string, stored: StoredMedia, now: number, lease: LeaseHolder = {}): Promise<void> {
  await db
    .updateTable('media')
    .set({
      ...(stored.mimeType !== undefined ? { mime_type: stored.mimeType } : {}),
      state: 'stored',
      storage_key: stored.storageKey,
      sha256: stored.sha256,
      byte_size: stored.byteSize,
      content_type: stored.contentType,
      failure_reason: null,
      locked_by: null,
      locked_until: null,
      updated_at: now,
      stored_at: now,
    })
    .where('id', '=', id)
    .$if(lease.lockedBy !== undefined, (qb) => qb.where('locked_by', '=', lease.lockedBy as string))
    .execute();
}

/** Gives up on a file for good (gone at Meta, too large, corrupt), keeping why. */
export async function markMediaFailed(db: Db, id: string, reason: string, now: number, lease: LeaseHolder = {}): Promise<void> {
  await db
    .updateTable('media')
    .set({ state: 'failed', failure_reason: reason, locked_by: null, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .$if(lease.lockedBy !== undefined, (qb) => qb.where('locked_by', '=', lease.lockedBy as string))
    .execute();
}

/** Puts a file back in the queue after a transient failure, due at `nextAttemptAt`. */
export async function scheduleMediaRetry(db: Db, id: string, reason: string, nextAttemptAt: number, now: number, lease: LeaseHolder = {}): Promise<void> {
  await db
    .updateTable('media')
    .set({ state: 'pending', failure_reason: reason, next_attempt_at: nextAttemptAt, locked_by: null, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .$if(lease.lockedBy !== undefined, (qb) => qb.where('locked_by', '=', lease.lockedBy as string))
    .execute();
}
