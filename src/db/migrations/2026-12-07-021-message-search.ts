import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen once landed. Full-text search over every stored message (issue 21, docs/api.md "Search"),
// indexed in the transaction that stores the message, so a message is findable the moment it is
// readable and nothing queues behind ingest.
// - SQLite: `messages_fts`, an FTS5 table over `messages.content` that keeps no copy of the text
//   (external content, rowid = messages.seq), kept in step by triggers on insert, update of
//   content, and delete (retention's pruning deletes messages). unicode61 with diacritics removed:
//   "cafe" finds "café" whatever language the customer writes in.
// - PostgreSQL: a GIN index on the expression the search query repeats word for word,
//   to_tsvector('simple', coalesce(content, '')): 'simple' because messages are in any language
//   (no stemming, no stop words). No trigger: PostgreSQL keeps an index in step itself.
// Existing messages are indexed here (a `rebuild` reads them all once).

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create index messages_content_search on messages using gin (to_tsvector('simple', coalesce(content, '')))`.execute(db);
    return;
  }
  await sql`create virtual table messages_fts using fts5(
    content, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
  )`.execute(db);
  // An external-content table must be told the old text to forget it: 'delete' takes the values
  // that were indexed, which are the row's old ones.
  await sql`create trigger messages_fts_insert after insert on messages begin
    insert into messages_fts (rowid, content) values (new.seq, new.content);
  end`.execute(db);
  await sql`create trigger messages_fts_delete after delete on messages begin
    insert into messages_fts (messages_fts, rowid, content) values ('delete', old.seq, old.content);
  end`.execute(db);
  // Only an update naming `content` fires it: status moves (the hot update) never touch the index.
  await sql`create trigger messages_fts_update after update of content on messages begin
    insert into messages_fts (messages_fts, rowid, content) values ('delete', old.seq, old.content);
    insert into messages_fts (rowid, content) values (new.seq, new.content);
  end`.execute(db);
  await sql`insert into messages_fts (messages_fts) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop index messages_content_search`.execute(db);
    return;
  }
  for (const trigger of ['messages_fts_update', 'messages_fts_delete', 'messages_fts_insert']) await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  await sql`drop table messages_fts`.execute(db);
}
