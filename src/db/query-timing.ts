import type { LogEvent } from 'kysely';
import type { CommittedReader, DirectRun } from './executor.ts';

/**
 * Told the SQL text and duration of every statement the process runs (the metrics' query
 * histogram). Statements take three ways (db/executor.ts): through Kysely, straight on SQLite's
 * writing connection, and through the committed-data reader; each is timed where it runs.
 */
export type QueryObserver = (sql: string, durationMs: number) => void;

/** Kysely's `log` option: every statement Kysely runs (it times them itself), failed ones included. */
export function kyselyQueryLog(observe: QueryObserver): (event: LogEvent) => void {
  return (event) => observe(event.query.sql, event.queryDurationMillis);
}

/** A direct runner that times each statement. */
export function timedDirect(run: DirectRun, observe: QueryObserver): DirectRun {
  return <Row>(sql: string, parameters: readonly unknown[]): Row[] => {
    const started = performance.now();
    try {
      return run<Row>(sql, parameters);
    } finally {
      observe(sql, performance.now() - started);
    }
  };
}

/** A committed-data reader that times each read (on SQLite the time includes the wait for the reader thread). */
export function timedReader(reader: CommittedReader, observe: QueryObserver): CommittedReader {
  return {
    read<Row>(text: string, parameters: readonly unknown[], opts: { prepared: boolean }): Promise<Row[]> {
      const started = performance.now();
      return reader.read<Row>(text, parameters, opts).finally(() => observe(text, performance.now() - started));
    },
    close: () => reader.close(),
  };
}
