import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once landed. The inbox's sign-in limits (docs/inbox-api.md "Signing in"), kept in the
// database so that every serving process counts against the same attempts, and a restart forgets
// none of them.
// - `sign_in_attempts`: one row per counted attempt, under a key that is the SHA-256 of the
//   normalized email or of the client address (so the table holds no plaintext of guesses).
//   `(key, attempted_at)` reads a key's attempts within the moving window; `(attempted_at)` finds
//   the expired ones for the periodic purge.
// - `sign_in_attempt_keys`: one row per key, locked by the transaction that counts an attempt,
//   so attempts at one key are counted one at a time across processes; `last_attempt_at` finds
//   the idle rows for the purge.

export async function up(db: Kysely<any>): Promise<void> {
  const big = db.getExecutor().adapter instanceof PostgresAdapter ? 'bigint' : 'integer';

  await db.schema
    .createTable('sign_in_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('attempted_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_attempts_key').on('sign_in_attempts').columns(['key', 'attempted_at']).execute();
  await db.schema.createIndex('sign_in_attempts_attempted').on('sign_in_attempts').columns(['attempted_at']).execute();

  await db.schema
    .createTable('sign_in_attempt_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('last_attempt_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_attempt_keys_last_attempt').on('sign_in_attempt_keys').columns(['last_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_attempt_keys').execute();
  await db.schema.dropTable('sign_in_attempts').execute();
}
