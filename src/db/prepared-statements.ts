import { createHash } from 'node:crypto';
import type pg from 'pg';
import { decodeRows, encodeParameters } from './postgres-text.ts';

/**
 * Named (server-side prepared) statements on PostgreSQL for the hot, precompiled queries of
 * db/raw-query.ts (GET by id, ingest). `pg` parses and plans an unnamed query on every call; a
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

/** Wraps a pool so that its clients run marked texts as named statements. */
export function withPreparedStatements(pool: pg.Pool): pg.Pool {
  const wrapped = new WeakSet<pg.PoolClient>();
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'connect') return Reflect.get(target, property, receiver);
      return async () => {
        const client = await connect();
        if (!wrapped.has(client)) {
          wrapped.add(client);
          const query = client.query.bind(client) as (...args: unknown[]) => unknown;
          // Kysely calls query(text, values); anything else (cursors, config objects) passes through.
          // Values and rows cross through the NUL escape (postgres-text.ts).
          (client as { query: unknown }).query = (textOrConfig: unknown, values?: unknown) => {
            if (typeof textOrConfig !== 'string' || !Array.isArray(values)) {
              return values === undefined ? query(textOrConfig) : query(textOrConfig, values);
            }
            const encoded = encodeParameters(values);
            const config = textOrConfig.startsWith(PREPARE_MARK) ? { name: statementName(textOrConfig), text: textOrConfig, values: encoded } : { text: textOrConfig, values: encoded };
            return (query(config) as Promise<pg.QueryResult>).then((result) => {
              decodeRows(result.rows);
              return result;
            });
          };
        }
        return client;
      };
    },
  });
}
