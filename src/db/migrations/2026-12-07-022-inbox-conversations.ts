import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once landed. What the team inbox keeps about conversations beyond Kapso's contract
// (docs/inbox-api.md "Reading", "Writing"). Nothing here touches the tables the Kapso API reads,
// so its conversation objects and their queries stay exactly as they were.
// - `conversation_assignments`: at most one assignee per conversation (the primary key). A table
//   of its own rather than a column on conversations: the write path inserts conversation rows
//   column by column on both dialects and SQLite would need a rebuild to change them later.
//   `(project_id, assignee_user_id, conversation_id)` finds a member's conversations.
// - `conversation_notes`: internal notes, read oldest first per conversation.
// - `conversation_reads`: each member's read marker per conversation, the position (Meta's
//   timestamp, then seq) of the newest message when they read it. Unread counts are the inbound
//   messages after it, found through messages (conversation_id, timestamp, seq) from 001: a range
//   from the marker on, never the whole thread.
// - `inbox_sends`: the inbox's Idempotency-Key per member (`state` pending while in flight, then
//   the answer kept for 24 h), with a hash of what was sent so a key reused for another message
//   is refused rather than answered with the first; `created_at` for forgetting expired keys.
// The conversation list needs no new index: (phone_number_id, last_active_at, id) from 001 and
// its partial twin for active conversations (003) already serve it per number in keyset order.

export async function up(db: Kysely<any>): Promise<void> {
  const big = db.getExecutor().adapter instanceof PostgresAdapter ? 'bigint' : 'integer';

  await db.schema
    .createTable('conversation_assignments')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('assignee_user_id', 'text', (c) => c.notNull())
    .addColumn('assigned_by_user_id', 'text')
    .addColumn('assigned_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conversation_assignments_assignee')
    .on('conversation_assignments')
    .columns(['project_id', 'assignee_user_id', 'conversation_id'])
    .execute();

  await db.schema
    .createTable('conversation_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conversation_notes_conversation')
    .on('conversation_notes')
    .columns(['conversation_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('conversation_reads')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('last_read_timestamp', big, (c) => c.notNull())
    .addColumn('last_read_seq', big, (c) => c.notNull())
    .addColumn('read_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_reads_pk', ['user_id', 'conversation_id'])
    .execute();

  await db.schema
    .createTable('inbox_sends')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('answer_status', 'integer')
    .addColumn('answer_body', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_sends_pk', ['user_id', 'key'])
    .execute();
  await db.schema.createIndex('inbox_sends_created').on('inbox_sends').columns(['created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['inbox_sends', 'conversation_reads', 'conversation_notes', 'conversation_assignments']) {
    await db.schema.dropTable(table).execute();
  }
}
