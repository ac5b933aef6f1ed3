import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CHECK_CHUNK, type BenchDatabase, type GenerationTiming } from './database.ts';
import { CONTACT_COLUMNS, CONVERSATION_COLUMNS, type Dataset, MESSAGE_COLUMNS, contactValues, conversationValues, messageValues } from './dataset.ts';

const ROWS_PER_BATCH = 5_000;
/** Two loader connections: Node builds the next batch while PostgreSQL inserts the previous one. */
const LOADERS = 2;

/** Element types of the unnest() arrays, per column; anything not listed is text. */
const COLUMN_TYPES: Record<string, string> = {
  timestamp: 'bigint',
  has_media: 'integer',
  messages_count: 'integer',
  payload: 'jsonb',
  kapso_data: 'jsonb',
  metadata: 'jsonb',
  created_at: 'bigint',
  updated_at: 'bigint',
  last_message_at: 'bigint',
  last_inbound_at: 'bigint',
  last_outbound_at: 'bigint',
  last_active_at: 'bigint',
  ended_at: 'bigint',
};

/** A new `bench_<random>` schema in the given PostgreSQL database, dropped with CASCADE at the end. */
export function createPostgresDatabase(baseUrl: string): BenchDatabase {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(baseUrl);
  url.searchParams.set('schema', schema);
  let pool: pg.Pool | null = null;
  const handle = (): pg.Pool => {
    if (!pool) throw new Error('bench database is not open');
    return pool;
  };
  return {
    dialect: 'postgres',
    url: url.toString(),
    async open() {
      pool = new pg.Pool({ connectionString: baseUrl, max: LOADERS, options: `-c search_path=${schema}` });
    },
    async generate(dataset) {
      return generatePostgres(handle(), dataset);
    },
    async countMessages() {
      const { rows } = await handle().query<{ n: string }>('SELECT count(*) AS n FROM messages');
      return Number(rows[0]?.n);
    },
    async markEventsDispatched() {
      const { rowCount } = await handle().query('UPDATE events SET dispatched_at = $1 WHERE dispatched_at IS NULL', [Date.now()]);
      return rowCount ?? 0;
    },
    async countStored(phoneNumberId, wamids) {
      let stored = 0;
      for (let i = 0; i < wamids.length; i += CHECK_CHUNK) {
        const { rows } = await handle().query<{ n: string }>(
          'SELECT count(*) AS n FROM messages WHERE phone_number_id = $1 AND id = ANY($2::text[])',
          [phoneNumberId, wamids.slice(i, i + CHECK_CHUNK)],
        );
        stored += Number(rows[0]?.n);
      }
      return stored;
    },
    async dropSearchIndex() {
      await handle().query('DROP INDEX messages_content_search');
    },
    async drop() {
      const admin = new pg.Client({ connectionString: baseUrl });
      await pool?.end();
      pool = null;
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * Inserts the dataset as `INSERT … SELECT * FROM unnest($1::text[], …)` batches of 5,000 rows on
 * two connections, then VACUUM ANALYZE so that autovacuum does not start in the middle of a run,
 * then CHECKPOINT so that the gigabytes the load dirtied are not written out during a measured
 * run, competing with the ingest runs' commits for the disk.
 */
async function generatePostgres(pool: pg.Pool, d: Dataset): Promise<GenerationTiming> {
  const started = performance.now();
  await insertRows(pool, 'contacts', CONTACT_COLUMNS, d.customers, (c) => contactValues(d, c));
  await insertRows(pool, 'conversations', CONVERSATION_COLUMNS, d.customers, (c) => conversationValues(d, c));
  await insertRows(pool, 'messages', MESSAGE_COLUMNS, d.messages, (i) => messageValues(d, i));
  const inserted = performance.now();
  await pool.query('VACUUM (ANALYZE) contacts, conversations, messages');
  await pool.query('CHECKPOINT');
  return { insertSeconds: (inserted - started) / 1000, settleSeconds: (performance.now() - inserted) / 1000 };
}

async function insertRows(
  pool: pg.Pool,
  table: string,
  columns: readonly string[],
  count: number,
  values: (i: number) => unknown[],
): Promise<void> {
  const arrays = columns.map((c, k) => `$${k + 1}::${COLUMN_TYPES[c] ?? 'text'}[]`).join(', ');
  const text = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${arrays})`;
  let next = 0;
  const loader = async () => {
    const client = await pool.connect();
    try {
      await client.query('SET synchronous_commit = off');
      while (next < count) {
        const from = next;
        next = Math.min(count, next + ROWS_PER_BATCH);
        await client.query(text, columnArrays(columns.length, from, next, values));
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: LOADERS }, loader));
}

/** Rows [from, to) as one array per column, the shape unnest() takes. */
function columnArrays(width: number, from: number, to: number, values: (i: number) => unknown[]): unknown[][] {
  const arrays = Array.from({ length: width }, () => new Array<unknown>(to - from));
  for (let i = from; i < to; i++) {
    const row = values(i);
    for (let k = 0; k < width; k++) (arrays[k] as unknown[])[i - from] = row[k];
  }
  return arrays;
}
