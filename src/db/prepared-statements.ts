import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { decodeRows, encodeParameters } from './postgres-text.ts';

/**
 * Named (server-side prepared) statements on PostgreSQL for the hot, precompiled queries of
 * db/executor.ts (GET by id, ingest). `pg` parses and plans an unnamed query on every call; a
 * named one is parsed once per connection and, once PostgreSQL settles on a generic plan, only
 * bound and executed. Only texts marked with PREPARE_MARK are named: they are point queries on
 * unique keys, for which a generic plan is the right plan. Queries built by Kysely (the outbox's
 * range scans and `in (…)` lists) stay unnamed and are planned for their values every time: named,
 * with generic plans, they chose the wrong index and halved delivery throughput (measured).
 */
export const PREPARE_MARK = '/* prepared */ ';

const names = new Map<string, string>();

/** The statement name of a text: the same on every connection, so each parses it once. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * The pool Kysely's PostgreSQL dialect runs every query through: marked texts run as named
 * statements, and values and rows cross the NUL escape (postgres-text.ts). Cursors pass through.
 */
export function poolWithPreparedStatements(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const adapt = (client: pg.PoolClient): PostgresPoolClient => {
    let adapted = clients.get(client);
    if (!adapted) {
      adapted = {
        query: ((textOrCursor: string | PostgresCursor<unknown>, values?: readonly unknown[]) => {
          if (typeof textOrCursor !== 'string') return client.query(textOrCursor as unknown as pg.Submittable);
          const encoded = encodeParameters(values ?? []);
          const config = textOrCursor.startsWith(PREPARE_MARK) ? { name: statementName(textOrCursor), text: textOrCursor, values: encoded } : { text: textOrCursor, values: encoded };
          return client.query(config).then((result) => {
            decodeRows(result.rows);
            return result as unknown as PostgresQueryResult<unknown>;
          });
        }) as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
      clients.set(client, adapted);
    }
    return adapted;
  };
  return {
    connect: async () => adapt(await pool.connect()),
    end: () => pool.end(),
  };
}
