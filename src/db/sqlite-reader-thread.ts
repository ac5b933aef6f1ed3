import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CommittedReader } from './executor.ts';
import { READ_TUNING_PRAGMAS } from './sqlite-read-tuning.ts';

/**
 * The committed-data reader of a SQLite store (db/executor.ts) on a thread of its own: a
 * read-only connection in a worker, so that the reads by id, the indexed list pages and the
 * full-text searches run on the second core while the main thread parses, answers and writes.
 * better-sqlite3 runs a statement synchronously on the thread that calls it; on the main thread
 * a read by id took about a quarter of a GET's CPU (issue 23), and a slow search held up every
 * request behind it.
 *
 * The reads asked for during one turn of the event loop go over together, as one message, and
 * come back together: one message each way per turn rather than per read. In WAL mode the
 * connection sees the last committed state when each read starts, which is never older than the
 * moment it was asked for, so a request reads what it (or anyone) committed before asking.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db = null;
const statements = new Map();
function statementOf(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    if (!db) {
      db = new Database(workerData.file, { readonly: true, fileMustExist: true });
      for (const pragma of workerData.pragmas) db.pragma(pragma);
    }
    if (statements.size >= 100) statements.clear();
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
parentPort.on('message', (batch) => {
  if (batch === 'close') {
    if (db) db.close();
    parentPort.close();
    return;
  }
  // batch: [id, sql, parameters, id, sql, parameters, …]; answer: [id, rows, error, …].
  const answers = [];
  for (let i = 0; i < batch.length; i += 3) {
    try {
      answers.push(batch[i], statementOf(batch[i + 1]).all(...batch[i + 2]), null);
    } catch (err) {
      answers.push(batch[i], null, { message: String(err && err.message), code: err && err.code });
    }
  }
  parentPort.postMessage(answers);
});
`;

interface Pending {
  resolve(rows: unknown[]): void;
  reject(err: Error): void;
}

/** The reader of `file`; its thread starts on the first read, and stops on close(). */
export function openSqliteReaderThread(file: string): CommittedReader {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  let batch: unknown[] = [];
  let drained: (() => void) | null = null;

  const settle = (answers: unknown[]) => {
    for (let i = 0; i < answers.length; i += 3) {
      const waiting = pending.get(answers[i] as number);
      pending.delete(answers[i] as number);
      const failure = answers[i + 2] as { message: string; code?: string } | null;
      if (failure) waiting?.reject(Object.assign(new Error(failure.message), { code: failure.code }));
      else waiting?.resolve(answers[i + 1] as unknown[]);
    }
    // Only reads in flight keep the process alive (a CLI command awaiting one must not exit).
    if (pending.size === 0) {
      worker?.unref();
      drained?.();
    }
  };
  const failAll = (err: Error) => {
    for (const waiting of pending.values()) waiting.reject(err);
    pending.clear();
    drained?.();
  };
  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, pragmas: READ_TUNING_PRAGMAS } });
    started.on('message', settle);
    // A thread that died (out of memory, say) fails the reads it held; the next read starts another.
    started.on('error', (err) => failAll(err));
    started.on('exit', () => {
      if (worker === started) worker = null;
      failAll(new Error('the SQLite reader thread stopped'));
    });
    return started;
  };
  const flush = () => {
    const sending = batch;
    batch = [];
    worker ??= start();
    worker.ref();
    worker.postMessage(sending);
  };

  return {
    read<Row>(text: string, parameters: readonly unknown[]): Promise<Row[]> {
      return new Promise<Row[]>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
        // After this turn's I/O callbacks: the reads of every request parsed in this turn go together.
        if (batch.length === 0) setImmediate(flush);
        batch.push(id, text, parameters);
      });
    },
    async close() {
      if (pending.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      const stopping = worker;
      worker = null;
      if (!stopping) return;
      const exited = new Promise((resolve) => stopping.once('exit', resolve));
      stopping.postMessage('close');
      await exited;
    },
  };
}
