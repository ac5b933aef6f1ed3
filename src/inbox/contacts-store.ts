import type { Kysely, Transaction } from 'kysely';
import type { ContactRow, DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A contact of one of the project's live numbers, by id; another project's is as absent as none. */
export async function findProjectContact(db: Db, projectId: string, contactId: string): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', contactId)
    .where('phone_number_id', 'in', db.selectFrom('phone_numbers').select('id').where('project_id', '=', projectId).where('removed_at', 'is', null))
    .executeTakeFirst();
}
