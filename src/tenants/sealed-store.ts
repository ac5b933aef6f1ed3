import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { SecretSlot } from '../crypto/secrets.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Every column that holds a sealed secret, with the column naming its row. */
export const SEALED_COLUMNS: ReadonlyArray<{ table: SecretSlot['table']; column: SecretSlot['column']; key: string }> = [
  { table: 'phone_numbers', column: 'access_token_enc', key: 'id' },
  { table: 'phone_numbers', column: 'app_secret_enc', key: 'id' },
  { table: 'webhooks', column: 'secret_enc', key: 'id' },
  { table: 'sandbox', column: 'api_key_enc', key: 'project_id' },
];

type Loose = Kysely<Record<string, Record<string, string>>>;

/** Rows of one sealed column whose value starts with `prefix` (a format version), at most `limit`. */
export async function findSealedWithPrefix(
  db: Db,
  target: (typeof SEALED_COLUMNS)[number],
  prefix: string,
  limit: number,
): Promise<Array<{ rowId: string; sealed: string }>> {
  const rows = await (db as unknown as Loose)
    .selectFrom(target.table)
    .select([`${target.key} as row_id`, `${target.column} as sealed`])
    .where(target.column, 'like', `${prefix}%`)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ rowId: String(r.row_id), sealed: String(r.sealed) }));
}

/**
 * Replaces a sealed value only if it is still `before` (compare and set): processes starting
 * together each re-seal, and the first write wins without clobbering a secret changed meanwhile.
 */
export async function replaceSealed(db: Db, target: (typeof SEALED_COLUMNS)[number], rowId: string, before: string, after: string): Promise<boolean> {
  const result = await (db as unknown as Loose)
    .updateTable(target.table)
    .set({ [target.column]: after })
    .where(target.key, '=', rowId)
    .where(target.column, '=', before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
