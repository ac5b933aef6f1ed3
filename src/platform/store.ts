import type { Kysely, Transaction } from 'kysely';
import type { DB, PhoneNumberRow } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** How many phone numbers the project has. */
export async function countProjectPhoneNumbers(db: Db, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('phone_numbers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One offset page of the project's phone numbers, oldest first (Platform pages are small: ≤ 5,000 rows). */
export async function listProjectPhoneNumbersPage(db: Db, projectId: string, offset: number, limit: number): Promise<PhoneNumberRow[]> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('removed_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .offset(offset)
    .limit(limit)
    .execute();
}
