import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { CHECK_CHUNK, type BenchDatabase, type GenerationTiming } from './database.ts';
import { CONTACT_COLUMNS, CONVERSATION_COLUMNS, type Dataset, MESSAGE_COLUMNS, contactValues, conversationValues, messageValues } from './dataset.ts';

const ROWS_PER_TRANSACTION = 50_000;

/** A SQLite file in a new temporary folder. */
export function createSqliteDatabase(): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const file = join(dir, 'bench.db');
  let db: SQLite.Database | null = null;
  const handle = (): SQLite.Database => {
    if (!db) throw new Error('bench database is not open');
    return db;
  };
  return {
    dialect: 'sqlite',
    url: `sqlite:${file}`,
    async open() {
      db = new SQLite(file);
      db.pragma('busy_timeout = 10000');
    },
    async generate(dataset) {
      return generateSqlite(handle(), dataset);
    },
    async countMessages() {
      return (handle().prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    },
    async markEventsDispatched() {
      return handle().prepare('UPDATE events SET dispatched_at = ? WHERE dispatched_at IS NULL').run(Date.now()).changes;
    },
    async countStored(phoneNumberId, wamids) {
      const stmt = handle().prepare('SELECT count(*) AS n FROM messages WHERE phone_number_id = ? AND id IN (SELECT value FROM json_each(?))');
      let stored = 0;
      for (let i = 0; i < wamids.length; i += CHECK_CHUNK) {
        stored += (stmt.get(phoneNumberId, JSON.stringify(wamids.slice(i, i + CHECK_CHUNK))) as { n: number }).n;
      }
      return stored;
    },
    async dropSearchIndex() {
      handle().exec(`DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_update; DROP TRIGGER messages_fts_delete; DROP TABLE messages_fts;`);
    },
    async drop() {
      db?.close();
      db = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Inserts the dataset through prepared statements in transactions of 50,000 rows. Durability is
 * relaxed for the load only (synchronous=OFF on this connection); the server opens its own
 * connection with the gateway's settings.
 */
function generateSqlite(db: SQLite.Database, d: Dataset): GenerationTiming {
  const started = performance.now();
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576'); // 1 GiB: keeps the unique (number, wamid) index in memory
  const insertRows = (table: string, columns: readonly string[], count: number, values: (i: number) => unknown[]) => {
    const stmt = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    const insertRange = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) stmt.run(values(i));
    });
    for (let from = 0; from < count; from += ROWS_PER_TRANSACTION) insertRange(from, Math.min(count, from + ROWS_PER_TRANSACTION));
  };
  insertRows('contacts', CONTACT_COLUMNS, d.customers, (c) => contactValues(d, c));
  insertRows('conversations', CONVERSATION_COLUMNS, d.customers, (c) => conversationValues(d, c));
  insertRows('messages', MESSAGE_COLUMNS, d.messages, (i) => messageValues(d, i));
  const inserted = performance.now();
  // The load leaves the full-text index as segments half-way through FTS5's incremental merges,
  // which the next writes would carry on: the first side to ingest (gateway or bare) paid for
  // them at about half its speed. Merged into one segment here, both start from the same state,
  // as a long-running store's index is between its rare large merges.
  if (db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'messages_fts'`).get()) db.exec(`INSERT INTO messages_fts (messages_fts) VALUES ('optimize')`);
  // With synchronous=NORMAL the checkpoint ends with an fsync of the database file, so the
  // load's gigabyte of dirty pages is on disk before any measured run: otherwise the first run's
  // own checkpoints wait behind the kernel writing it back, and whichever side runs first (the
  // gateway or the bare) pays for the generation.
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('cache_size = -2000');
  return { insertSeconds: (inserted - started) / 1000, settleSeconds: (performance.now() - inserted) / 1000 };
}
