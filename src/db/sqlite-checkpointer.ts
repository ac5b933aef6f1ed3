import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a SQLite WAL from a thread of its own. With SQLite's automatic checkpoint, the
 * commit that crosses 1,000 WAL pages copies them into the database file itself, on the event
 * loop, and every request waiting behind it waits too (a p99 of tens of milliseconds on ingest).
 * Here the connection that serves requests never checkpoints (`wal_autocheckpoint = 0`); this
 * thread, with a connection of its own, runs a PASSIVE checkpoint every `intervalMs`: it copies
 * what it can without blocking writers or readers, and SQLite starts the WAL over once
 * everything is copied, so it stays small.
 */
export interface SqliteCheckpointer {
  stop(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err)); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
`;

/** Starts the checkpoint thread for a database file; `onError` hears of failed checkpoints. */
export function startSqliteCheckpointer(file: string, intervalMs: number, onError: (message: string) => void): SqliteCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  worker.unref();
  const stopped = new Promise<void>((resolve) => {
    worker.on('message', (message: string) => (message === 'stopped' ? resolve() : onError(message)));
    worker.on('exit', () => resolve());
    worker.on('error', (err) => {
      onError(String(err));
      resolve();
    });
  });
  return {
    async stop() {
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
}
