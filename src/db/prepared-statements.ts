import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Named (server-side prepared) statements for every query Kysely sends to PostgreSQL. `pg` parses
 * and plans an unnamed query on every call; a named one is parsed once per connection and then
 * only bound and executed, which more than triples the throughput of the short, hot queries
 * (GET by id, ingest; measured in BENCHMARKS.md). Our queries are a small fixed set of shapes with
 * values as parameters, so naming each text by its hash is safe. The number of distinct texts
 * named is capped: beyond it (`in (…)` lists of many lengths, say) queries run unnamed, so no
 * connection accumulates prepared statements without bound.
 */
const MAX_NAMED_TEXTS = 1_000;

/** Wraps a pool so that every client it hands out names its queries. */
export function withPreparedStatements(pool: pg.Pool): pg.Pool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_TEXTS) {
      name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
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
          (client as { query: unknown }).query = (textOrConfig: unknown, values?: unknown) => {
            if (typeof textOrConfig !== 'string' || !Array.isArray(values)) return values === undefined ? query(textOrConfig) : query(textOrConfig, values);
            const name = nameOf(textOrConfig);
            return name === undefined ? query(textOrConfig, values) : query({ name, text: textOrConfig, values });
          };
        }
        return client;
      };
    },
  });
}
