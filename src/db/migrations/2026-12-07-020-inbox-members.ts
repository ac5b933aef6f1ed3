import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen once landed. The team inbox's members and their browser sessions (docs/inbox-api.md
// "Signing in"):
// - `users`: a project's members. Sign-in is by email alone, so a live member's email (stored
//   lowercase) is unique over the whole deployment (`users_email_live`). A removed member keeps
//   its row (`removed_at`) so the notes and assignments it left still name it; its email may be
//   added again as a new member.
// - `user_sessions`: one row per signed-in browser; `id` is the SHA-256 hex of the cookie's token,
//   so a copy of the table signs no one in. Sliding expiry moves `expires_at`.
// - `sign_in_links`: one-time links from the CLI and the first start, by the SHA-256 of their token.

export async function up(db: Kysely<any>): Promise<void> {
  const big = db.getExecutor().adapter instanceof PostgresAdapter ? 'bigint' : 'integer';
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('removed_at', big)
    .execute();
  await db.schema.createIndex('users_email_live').on('users').column('email').unique().where(sql.ref('removed_at'), 'is', null).execute();
  await db.schema.createIndex('users_project').on('users').columns(['project_id', 'email']).execute();

  await db.schema
    .createTable('user_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_used_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('revoked_at', big)
    .execute();
  await db.schema.createIndex('user_sessions_user').on('user_sessions').column('user_id').execute();

  await db.schema
    .createTable('sign_in_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('used_at', big)
    .execute();
  await db.schema.createIndex('sign_in_links_user').on('sign_in_links').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_links').execute();
  await db.schema.dropTable('user_sessions').execute();
  await db.schema.dropTable('users').execute();
}
