import type pg from 'pg';
import { pgDriver } from './pg-driver.ts';
import type { CommittedReader } from './executor.ts';
import { statementName } from './prepared-statements.ts';
import { decodeRows, encodeParameters } from './postgres-text.ts';

/**
 * A pipelined PostgreSQL connection for the hot reads outside transactions (GET message by id,
 * pages of messages), the counterpart of sqlite-reader-thread.ts. Through the pool each read checks a
 * connection out, waits for its one query's answer and hands it back, and with 50 requests at
 * once most of them queue for one of the ten connections. Pipelined (pg's `pipeline` mode), every
 * read goes out as soon as it is asked for, each with its own Sync, so an error stays with its own
 * query; PostgreSQL answers them in order on one backend that stays busy instead of waking per
 * query. In order means a slow read delays the ones behind it: only reads whose cost an index
 * bounds come here. Only reads outside transactions use it (db/executor.ts). A connection that fails is dropped, and the reads it carried are asked
 * again, once, on a new one (a read can be repeated; a query's own error is not retried).
 */
/** How the reader shows in pg_stat_activity. */
export const APPLICATION_NAME = 'switchboard-reader';

/**
 * An error of the connection rather than of the query: a network error (no SQL state), or the
 * server ending the session (class 08, connection exception; 57P, operator intervention; FATAL).
 */
function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof pgDriver().DatabaseError)) return true;
  return err.severity === 'FATAL' || err.severity === 'PANIC' || /^(08|57P)/.test(err.code ?? '');
}

/** A pipelined reader, opened on first read with `config`. */
export function openPostgresReader(config: pg.ClientConfig): CommittedReader {
  let current: Promise<pg.Client> | null = null;
  const open = (): Promise<pg.Client> => {
    if (current) return current;
    const client = new (pgDriver().Client)({ ...config, application_name: APPLICATION_NAME, pipeline: true });
    const connecting = client.connect().then(() => client);
    const drop = () => {
      if (current === connecting) current = null;
    };
    // Without a listener a lost connection would be an uncaught 'error' event.
    client.on('error', drop);
    client.on('end', drop);
    connecting.catch(drop);
    current = connecting;
    return connecting;
  };
  const query = async <Row>(connection: Promise<pg.Client>, text: string, parameters: readonly unknown[], prepared: boolean): Promise<Row[]> => {
    const client = await connection;
    const values = encodeParameters(parameters);
    const result = await client.query<Row & pg.QueryResultRow>(prepared ? { name: statementName(text), text, values } : { text, values });
    return decodeRows(result.rows);
  };
  // Named (prepared once per connection) when asked, as the pool's marked texts are; built queries
  // stay unnamed and planned for their values (see prepared-statements.ts).
  const read = async <Row>(text: string, parameters: readonly unknown[], { prepared }: { prepared: boolean }): Promise<Row[]> => {
    const connection = open();
    try {
      return await query<Row>(connection, text, parameters, prepared);
    } catch (err) {
      if (!isConnectionFailure(err)) throw err;
      if (current === connection) {
        current = null;
        void connection.then((client) => client.end()).catch(() => undefined);
      }
      return query<Row>(open(), text, parameters, prepared);
    }
  };
  return {
    read,
    async close() {
      const closing = current;
      current = null;
      const client = await closing?.catch(() => null);
      await client?.end().catch(() => undefined);
    },
  };
}
