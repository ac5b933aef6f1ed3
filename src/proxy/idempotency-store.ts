import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Deletes up to `limit` idempotency keys created before `before` (oldest first, by the
 * `idempotency_keys_created` index); returns how many. Bounded, so each statement stays short.
 */
export async function deleteIdempotencyKeysBefore(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', before)
    .where((eb) =>
      eb(
        eb.refTuple('project_id', 'key'),
        'in',
        eb.selectFrom('idempotency_keys').select(['project_id', 'key']).where('created_at', '<', before).orderBy('created_at').limit(limit).$asTuple('project_id', 'key'),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
