import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a SQLite WAL from a thread of its own. With SQLite's automatic checkpoint, the
 * commit that crosses 1,000 WAL pages copies them into the database file itself, on the event
 * loop, and every request waiting behind it waits too (a p99 of tens of milliseconds on ingest).
 * Here the connection that serves requests never checkpoints (`wal_autocheckpoint = 0`); this
 * thread, with a connection of its own, runs a PASSIVE checkpoint every `intervalMs`: it copies
 * what it can without blocking writers or readers.
 *
 * A PASSIVE checkpoint alone never lets the WAL start over under a steady stream of commits:
 * SQLite restarts the WAL only when a write transaction begins with every frame copied, and by the
 * time a checkpoint has copied the frames it saw, newer ones are there. The WAL then grows without
 * bound (a gigabyte in 15 s of ingest), and every commit appends to a growing file, about twice
 * the cost of overwriting one. So once the WAL holds `restartFrames` frames, the next checkpoint
 * runs while `holdWrites` keeps the process's writing connection idle: it copies the last few
 * frames, and the next write transaction starts the WAL over from its beginning. Requests wait
 * for that catch-up (copying the frames written since the previous pass, and two fsyncs: tens of
 * milliseconds under heavy writes), on an event loop that stays free.
 *
 * The WAL file is not cut back when it starts over (the writing connection's `journal_size_limit`
 * is set at the bound): overwriting a file's blocks costs less than allocating new ones (steady
 * ingest ran 12–29 % faster), and cutting back a gigabyte took 140 ms on the event loop, in the
 * commit that did it. The disk is given back once writes stop: after `idleTicksBeforeShrink`
 * quiet ticks with every frame copied, a WAL file larger than `shrinkAboveBytes` is emptied by a
 * TRUNCATE checkpoint, in this thread and holding writes.
 */
export interface SqliteCheckpointer {
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs: number;
  /** WAL size, in frames (pages), from which a checkpoint holds writes to let the WAL start over. */
  restartFrames: number;
  /** Frames written during a pass small enough for the next pass to hold writes (see tick). */
  catchUpFrames: number;
  /** Quiet ticks (nothing written, everything copied) after which a WAL file is emptied… */
  idleTicksBeforeShrink: number;
  /** …if it is larger than this. */
  shrinkAboveBytes: number;
  /** Runs `work` while no write of this process can start, and resolves with it. */
  holdWrites: <T>(work: () => Promise<T>) => Promise<T>;
  onError: (message: string) => void;
}

/** What `PRAGMA wal_checkpoint` reports: frames in the WAL, and how many of them are copied. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const BUSY_TIMEOUT_MS = 5000;
// TRUNCATE waits for readers to leave the WAL, and the process's writes are held meanwhile: a
// long read (a backup, say) makes it give up after this rather than hold writes for 5 s.
const TRUNCATE_BUSY_TIMEOUT_MS = 100;
db.pragma('busy_timeout = ' + BUSY_TIMEOUT_MS);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.postMessage({ stopped: true });
    return;
  }
  try {
    let result;
    if (message === 'truncate') {
      db.pragma('busy_timeout = ' + TRUNCATE_BUSY_TIMEOUT_MS);
      try {
        [result] = db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.pragma('busy_timeout = ' + BUSY_TIMEOUT_MS);
      }
    } else {
      [result] = db.pragma('wal_checkpoint(PASSIVE)');
    }
    parentPort.postMessage({ result });
  } catch (err) {
    parentPort.postMessage({ error: String(err) });
  }
});
`;

/** A checkpoint that keeps failing is retried at most this many intervals apart (5 s at 250 ms). */
const MAX_BACKOFF_FACTOR = 20;

/** Passes without holding writes before the one that does, however much is still being written. */
const MAX_UNHELD_PASSES = 4;

type WorkerReply = { result: CheckpointResult & { busy: number } } | { error: string } | { stopped: true };

function walFileSize(walFile: string): number {
  try {
    return statSync(walFile).size;
  } catch {
    return 0;
  }
}

/** Starts the checkpoint thread for a database file. */
export function startSqliteCheckpointer(file: string, options: CheckpointerOptions): SqliteCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
  worker.unref();
  // One request at a time (tick and stop never overlap): each reply answers the one waiting.
  let pending: ((reply: WorkerReply | null) => void) | null = null;
  let exited = false;
  const ask = (message: string) =>
    new Promise<WorkerReply | null>((resolve) => {
      if (exited) return resolve(null);
      pending = resolve;
      worker.postMessage(message);
    });
  const answer = (reply: WorkerReply | null) => {
    const resolve = pending;
    pending = null;
    resolve?.(reply);
  };
  worker.on('message', (reply: WorkerReply) => answer(reply));
  worker.on('exit', () => {
    exited = true;
    answer(null);
  });
  worker.on('error', (err) => {
    options.onError(String(err));
    answer(null);
  });

  // Failed checkpoints in a row (a full or failing disk): reported once, and retried less often.
  let failures = 0;
  const checkpoint = async (mode: 'checkpoint' | 'truncate' = 'checkpoint'): Promise<CheckpointResult | null> => {
    const reply = await ask(mode);
    if (reply && 'error' in reply && failures++ === 0) options.onError(reply.error);
    if (reply && 'result' in reply) failures = 0;
    return reply && 'result' in reply ? reply.result : null;
  };

  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const walFile = `${file}-wal`;
  let quietTicks = 0;
  let lastLog = -1;
  const tick = async () => {
    let result = await checkpoint();
    if (!result) return;
    const quiet = result.log === lastLog && result.checkpointed === result.log;
    lastLog = result.log;
    quietTicks = quiet ? quietTicks + 1 : 0;
    if (quietTicks >= options.idleTicksBeforeShrink) {
      quietTicks = 0;
      if (walFileSize(walFile) > options.shrinkAboveBytes) await options.holdWrites(() => checkpoint('truncate'));
      lastLog = -1;
      return;
    }
    if (result.log < options.restartFrames) return;
    // Each pass copies (and syncs) what was written during the one before; when that is little,
    // the pass that holds writes is short.
    for (let pass = 1; pass < MAX_UNHELD_PASSES && !stopping; pass++) {
      const before: number = result.log;
      result = await checkpoint();
      if (!result) return;
      // Nothing written meanwhile and everything copied: the next write starts the WAL over.
      if (result.log === before && result.checkpointed === result.log) return;
      if (result.log < before || result.log - before <= options.catchUpFrames) break;
    }
    if (!stopping && result.log >= options.restartFrames) await options.holdWrites(checkpoint);
  };
  const schedule = () => {
    timer = setTimeout(() => {
      running = tick()
        .catch((err: unknown) => options.onError(String(err)))
        .finally(() => {
          if (!stopping) schedule();
        });
    }, options.intervalMs * Math.min(2 ** failures, MAX_BACKOFF_FACTOR));
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await running;
      await checkpoint();
      await ask('stop');
      await worker.terminate();
    },
  };
}
