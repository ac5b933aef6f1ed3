import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen. A number can be removed. `--keep-history` marks it removed rather
// than deleting its row: messages, conversations and contacts carry only the phone_number_id, and
// the row is what scopes that kept history to its project (a re-registration by another project
// must not read it). A removed number accepts no sends, webhooks or number-scoped reads.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('phone_numbers').addColumn('removed_at', pg ? 'bigint' : 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('phone_numbers').dropColumn('removed_at').execute();
}
