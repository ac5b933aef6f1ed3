import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

const REMOVAL_EVENT = 'whatsapp.phone_number.deleted';

/** Rows deleted per statement: each batch is a short write, so a long history never holds the lock. */
const BATCH = 500;

type Loose = Kysely<Record<string, Record<string, string | number | null>>>;

/** The tables holding a number's history, each with the column that keys a row, children first. */
const HISTORY: ReadonlyArray<{ table: string; key: string; children?: { table: string; column: string }; typeColumn?: string }> = [
  { table: 'message_statuses', key: 'seq' },
  { table: 'media_queue', key: 'seq' },
  { table: 'messages', key: 'seq' },
  { table: 'contacts', key: 'id' },
  { table: 'conversations', key: 'id' },
  { table: 'calls', key: 'id' },
  { table: 'deliveries', key: 'id', children: { table: 'delivery_attempts', column: 'delivery_id' }, typeColumn: 'event_type' },
  { table: 'events', key: 'id', children: { table: 'event_bodies', column: 'event_id' }, typeColumn: 'type' },
];

/** Deletes one batch of a number's media rows and returns their blob keys (null when none was left). */
export async function deleteMediaBatch(db: Kysely<DB>, phoneNumberId: string): Promise<string[] | null> {
  const rows = await db.selectFrom('media').select(['id', 'storage_key']).where('phone_number_id', '=', phoneNumberId).limit(BATCH).execute();
  if (rows.length === 0) return null;
  await db.deleteFrom('media').where('id', 'in', rows.map((r) => r.id)).execute();
  return rows.flatMap((r) => (r.storage_key ? [r.storage_key] : []));
}

/** Whether any media row still points at a blob (blobs are content-addressed and shared). */
export async function blobStillUsed(db: Kysely<DB>, storageKey: string): Promise<boolean> {
  return (await db.selectFrom('media').select('id').where('storage_key', '=', storageKey).limit(1).executeTakeFirst()) !== undefined;
}

/** Deletes a number's messages, statuses, contacts, conversations, calls, events and deliveries (but its removal's), batch by batch. */
export async function deleteNumberHistory(db: Kysely<DB>, phoneNumberId: string): Promise<number> {
  const loose = db as unknown as Loose;
  let deleted = 0;
  for (const target of HISTORY) {
    for (;;) {
      let q = loose.selectFrom(target.table).select(`${target.key} as k`).where('phone_number_id', '=', phoneNumberId);
      // The removal's own event is still to be delivered to the project's webhooks.
      if (target.typeColumn) q = q.where(target.typeColumn, '!=', REMOVAL_EVENT);
      const rows = await q.limit(BATCH).execute();
      if (rows.length === 0) break;
      const keys = rows.map((r) => r.k as string | number);
      await db.transaction().execute(async (trx) => {
        const t = trx as unknown as Loose;
        if (target.children) await t.deleteFrom(target.children.table).where(target.children.column, 'in', keys).execute();
        await t.deleteFrom(target.table).where(target.key, 'in', keys).execute();
      });
      deleted += keys.length;
    }
  }
  return deleted;
}
