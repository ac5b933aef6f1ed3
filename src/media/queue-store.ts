import type { Kysely, Selectable, Transaction } from 'kysely';
import { forClaim } from '../db/dialect.ts';
import { rawQuery } from '../db/executor.ts';
import type { DB, MediaQueueTable } from '../db/schema.ts';
import type { MessageMediaJob } from './message-media.ts';
import { type MediaJob, newMediaRow } from './store.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Rows per multi-row insert: 22 columns each, well under both dialects' parameter limits. */
const INSERT_CHUNK = 200;

/**
 * Appends a media message's file to the media queue, in the message's transaction (migration
 * 008): the ingest path's one write for a media file.
 */
export async function enqueueMessageMedia(db: Db, job: MessageMediaJob, now: number): Promise<void> {
  await insertQueueRow(db, [job.phoneNumberId, job.messageId, job.metaMediaId, job.sourceUrl ?? null, job.kind ?? null, job.direction, job.mimeType, job.filename, now]);
}
const insertQueueRow = rawQuery(
  `insert into media_queue (phone_number_id, message_id, meta_media_id, source_url, kind, direction, mime_type, filename, queued_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);

/**
 * Whether a Meta media id of a number is still in the queue. The queue has no index but its key
 * (ingest pays for nothing else); it holds what arrived since the worker last looked, moments.
 */
export async function isMetaMediaQueued(db: Db, phoneNumberId: string, metaMediaId: string): Promise<boolean> {
  const row = await db.selectFrom('media_queue').select('seq').where('phone_number_id', '=', phoneNumberId).where('meta_media_id', '=', metaMediaId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Takes up to `limit` queued files, oldest first, off the queue. PostgreSQL workers skip each
 * other's locked rows; the rows are chosen in a MATERIALIZED CTE for the reason claimDueMediaQuery
 * gives (outbox and media claims alike).
 */
export function takeQueuedMediaQuery(db: Db, limit: number) {
  const oldest = db.selectFrom('media_queue').select('seq').orderBy('seq').limit(limit);
  return db
    .with((cte) => cte('taken').materialized(), () => forClaim(db, oldest))
    .deleteFrom('media_queue')
    .where('seq', 'in', (eb) => eb.selectFrom('taken').select('taken.seq'))
    .returningAll();
}

/**
 * Moves up to `limit` queued files into `media` as pending downloads, due at `now`, in one
 * transaction (a crash moves all or none). A file whose number was removed meanwhile is dropped;
 * one whose message already has a media row (a duplicate entry) is skipped. `created_at` is when
 * the message was queued, which the retry rules count from. Returns how many were taken.
 */
export async function promoteQueuedMedia(db: Kysely<DB>, o: { limit: number; now: number }): Promise<number> {
  // A read first: an idle worker looks 5 times a second, and an empty queue needs no write transaction.
  if (!(await db.selectFrom('media_queue').select('seq').limit(1).executeTakeFirst())) return 0;
  return db.transaction().execute(async (trx) => {
    const taken = await takeQueuedMediaQuery(trx, o.limit).execute();
    if (taken.length === 0) return 0;
    const numberIds = [...new Set(taken.map((q) => q.phone_number_id))];
    const projects = new Map(
      (await trx.selectFrom('phone_numbers').select(['id', 'project_id']).where('id', 'in', numberIds).execute()).map((n) => [n.id, n.project_id]),
    );
    const rows = taken.flatMap((q) => {
      const projectId = projects.get(q.phone_number_id);
      return projectId === undefined ? [] : [newMediaRow(jobOf(q, projectId), o.now, Number(q.queued_at))];
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('media')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.columns(['phone_number_id', 'message_id']).doNothing())
        .execute();
    }
    return taken.length;
  });
}

/** The media job a queue entry stands for, in the project of its number. */
function jobOf(q: Selectable<MediaQueueTable>, projectId: string): MediaJob {
  return {
    projectId,
    phoneNumberId: q.phone_number_id,
    messageId: q.message_id,
    metaMediaId: q.meta_media_id,
    sourceUrl: q.source_url,
    kind: q.kind,
    direction: q.direction,
    mimeType: q.mime_type,
    filename: q.filename,
  };
}
