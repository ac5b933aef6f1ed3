import { type Kysely, sql, type Transaction } from 'kysely';
import { executeRead } from '../../db/executor.ts';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** An outbox row as the live stream reads it: its project resolved, `data` only where it is used. */
export interface LiveEventRow {
  seq: number;
  type: string;
  project_id: string | null;
  phone_number_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  /** JSON; null for the types the stream does not render (raw Meta bodies can be large). */
  data: unknown;
}

/** The highest seq of the outbox, 0 when empty. */
export async function latestEventSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * The newest `limit` outbox rows, newest first: a stream's starting point, in one statement so that
 * the newest seq and the rows below it are one snapshot. Read on the writing connection, at once:
 * the committed-data reader answers after a hop to its thread (db/sqlite-reader-thread.ts), and a
 * change committed meanwhile would count as history, already shown, though the page that opens the
 * stream read its screens before it.
 */
export async function listLatestEvents(db: Db, limit: number): Promise<LiveEventRow[]> {
  const rows = await liveEvents(db).orderBy('e.seq', 'desc').limit(limit).execute();
  return rows.map(normalized);
}

/**
 * The next `limit` outbox rows after `afterSeq`, of every project and type (the tailer must see
 * every seq to know which are missing), each with its project: number events leave `project_id`
 * to their number's (outbox/event-store.ts). A primary-key range scan.
 */
export async function listEventsAfter(db: Db, afterSeq: number, limit: number): Promise<LiveEventRow[]> {
  const rows = await executeRead(db, liveEvents(db).where('e.seq', '>', afterSeq).orderBy('e.seq').limit(limit));
  return rows.map(normalized);
}

/**
 * One project's outbox rows with `afterSeq < seq <= uptoSeq`, oldest first, at most `limit`: what
 * a reconnecting browser missed. Reads the whole seq range (no index by project), which the caller
 * bounds.
 */
export async function listProjectEventsBetween(db: Db, projectId: string, afterSeq: number, uptoSeq: number, limit: number): Promise<LiveEventRow[]> {
  const rows = await executeRead(
    db,
    liveEvents(db)
      .where('e.seq', '>', afterSeq)
      .where('e.seq', '<=', uptoSeq)
      .where((eb) => eb(eb.fn.coalesce('e.project_id', 'p.project_id'), '=', projectId))
      .orderBy('e.seq')
      .limit(limit),
  );
  return rows.map(normalized);
}

/** Which of these sessions are still live (unrevoked, unexpired at `now`, their member not removed). */
export async function findLiveSessionIds(db: Db, sessionIds: readonly string[], now: number): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('user_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select('s.id')
    .where('s.id', 'in', sessionIds)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.removed_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.id));
}

function liveEvents(db: Db) {
  return db
    .selectFrom('events as e')
    .leftJoin('phone_numbers as p', 'p.id', 'e.phone_number_id')
    .select([
      'e.seq',
      'e.type',
      (eb) => eb.fn.coalesce('e.project_id', 'p.project_id').as('project_id'),
      'e.phone_number_id',
      'e.conversation_id',
      'e.message_id',
      // Only message and inbox events are rendered from their data.
      sql<unknown>`case when e.type like 'whatsapp.message.%' or e.type like 'switchboard.inbox.%' then e.data end`.as('data'),
    ]);
}

function normalized(row: LiveEventRow): LiveEventRow {
  return { ...row, seq: Number(row.seq) };
}
