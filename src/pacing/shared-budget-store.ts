import type { Kysely, Transaction } from 'kysely';
import { forClaimInOrder } from '../db/dialect.ts';
import { rawQuery } from '../db/executor.ts';
import type { DB } from '../db/schema.ts';
import type { BudgetSource } from './budget-source.ts';
import { type Answer, answeredInWindow, forgetSendsLostOnTheirWay, freshWindow, lowerWindowAfterThrottle, type SendWindow, takeFromWindow, WINDOW_MS } from './send-window.ts';

/** How long a process keeps its sends' answers before writing them to the number's row on its own. */
const ANSWERS_FLUSH_MS = 20;
/** Compare-and-sets lost in a row before a take waits for the row's lock instead. */
const RACES_BEFORE_LOCKING = 3;

/**
 * The numbers' send windows in the database, one row per number, shared by every process that
 * sends (several `serve` and `worker` processes on PostgreSQL): each takes its grants from the row
 * by a compare-and-set on its version, so together they never hand Meta more than the number's
 * rate (send-window.ts). A process keeps the row as it last wrote it: while no other process
 * wrote since, a take is one statement (a row lock held over a transaction's four round trips
 * made the takes the bottleneck of a busy worker); otherwise it reads the row again and retries,
 * and after a few lost races takes it under the row's lock, which always succeeds.
 * A process takes at most what its waiting sends need, and hands in its sends' answers with its
 * next take (or within ANSWERS_FLUSH_MS), so a busy number costs each sending process some 30–80
 * statements a second. A send on its way from a process that stopped without answering
 * (kill -9) counts until `lostAfterMs` after its grant: longer than any send can take
 * (META_TIMEOUT_MS). The clock is the wall clock, which the processes share (on several
 * machines: keep them in sync with NTP).
 */
export function sharedBudgetSource(db: Kysely<DB>, opts: { lostAfterMs: number }): BudgetSource {
  const held = new Map<string, Answer[]>();
  /** Each number's window as this process last read or wrote it. */
  const known = new Map<string, Versioned>();
  let flushing: NodeJS.Timeout | null = null;

  const remember = (id: string, v: Versioned) => {
    const last = known.get(id);
    if (!last || v.version > last.version) known.set(id, v);
  };

  /** `change` applied to the window as it stands, with the answers held for it; written by compare-and-set. */
  const changed = async <T>(id: string, now: number, answers: readonly Answer[], change: (w: SendWindow) => { window: SendWindow; result: T }): Promise<T> => {
    /** Writes `change` of the window as read; null when another process wrote the row since. */
    const attempt = async (q: Kysely<DB> | Transaction<DB>, before: Versioned): Promise<{ result: T } | null> => {
      const { window, result } = change(forgetSendsLostOnTheirWay(answeredInWindow(before.window, answers), now, opts.lostAfterMs));
      const stored = storedWindow(window, now);
      if (!(await saveIfUnchanged(q, id, stored, before.version))) return null;
      remember(id, { window: stored, version: before.version + 1 });
      return { result };
    };
    for (let race = 0; race < RACES_BEFORE_LOCKING; race++) {
      const written = await attempt(db, known.get(id) ?? (await readWindow(db, id, now)));
      if (written) return written.result;
      // Another process wrote the row since: read it again.
      known.delete(id);
    }
    // Under the row's lock nobody writes between the read and the write: this one cannot lose.
    const written = await db.transaction().execute(async (trx) => attempt(trx, await lockedWindow(trx, id, now)));
    if (!written) throw new Error(`send budget for ${id} changed under its lock`);
    return written.result;
  };

  /** Runs `change` on the number's window, handing in the answers held for it. */
  const withWindow = <T>(id: string, now: number, change: (w: SendWindow) => { window: SendWindow; result: T }): Promise<T> => {
    const answers = held.get(id) ?? [];
    held.delete(id);
    return changed(id, now, answers, change).catch((err: unknown) => {
      // Not written: kept for the next write of the number's window.
      known.delete(id);
      held.set(id, [...answers, ...(held.get(id) ?? [])]);
      throw err;
    });
  };

  const flush = async (): Promise<void> => {
    if (flushing) clearTimeout(flushing);
    flushing = null;
    const now = Date.now();
    const ids = [...held.keys()];
    const failed = (await Promise.allSettled(ids.map((id) => withWindow(id, now, (w) => ({ window: w, result: undefined }))))).some((r) => r.status === 'rejected');
    // A store outage: try again later; until then the sends count as on their way, never less.
    if (failed && !flushing) flushing = setTimeout(() => void flush(), ANSWERS_FLUSH_MS * 50).unref();
  };

  return {
    take: (id, perSecond, now, want) =>
      withWindow(id, now, (w) => {
        const t = takeFromWindow(w, perSecond, now, want);
        return { window: t.window, result: { granted: t.granted, waitMs: t.waitMs } };
      }),
    throttled: (id, now) => withWindow(id, now, (w) => ({ window: lowerWindowAfterThrottle(w, now), result: undefined })),
    answered(id, answer) {
      const answers = held.get(id);
      if (answers) answers.push(answer);
      else held.set(id, [answer]);
      if (!flushing) flushing = setTimeout(() => void flush(), ANSWERS_FLUSH_MS).unref();
    },
    flush,
  };
}

/** A window as stored, and the version of the row it was read from or written as. */
interface Versioned {
  window: SendWindow;
  version: number;
}

interface BudgetRow {
  tokens: number | string;
  refilled_at: number | string;
  factor: number | string;
  factor_at: number | string;
  answered: string;
  on_their_way: string;
  version: number | string;
}

const COLUMNS = 'tokens, refilled_at, factor, factor_at, answered, on_their_way, version';
const selectBudget = rawQuery<BudgetRow>(`select ${COLUMNS} from send_budgets where phone_number_id = ?`);
const insertBudget = rawQuery(
  `insert into send_budgets (phone_number_id, tokens, refilled_at, factor, factor_at, answered, on_their_way, version)
   values (?, ?, ?, ?, ?, ?, ?, 0) on conflict (phone_number_id) do nothing`,
);
const updateBudgetIfUnchanged = rawQuery<{ version: number | string }>(
  `update send_budgets set tokens = ?, refilled_at = ?, factor = ?, factor_at = ?, answered = ?, on_their_way = ?, version = version + 1
   where phone_number_id = ? and version = ? returning version`,
);

/** The number's window as committed (created fresh when missing). */
async function readWindow(db: Kysely<DB>, id: string, now: number): Promise<Versioned> {
  let [row] = await selectBudget(db, [id]);
  if (!row) {
    await insertFreshBudget(db, id, now);
    [row] = await selectBudget(db, [id]);
    if (!row) throw new Error(`no send budget for ${id}`);
  }
  return windowOf(row);
}

/** A fresh window for the number, unless another process created its row meanwhile (then that row is the one read after). */
async function insertFreshBudget(db: Kysely<DB> | Transaction<DB>, id: string, now: number): Promise<void> {
  const c = columnsOf(freshWindow(now));
  await insertBudget(db, [id, c.tokens, c.refilled_at, c.factor, c.factor_at, c.answered, c.on_their_way]);
}

/** Writes the window if the row is still at `version`; false when another process wrote it since. */
async function saveIfUnchanged(db: Kysely<DB> | Transaction<DB>, id: string, w: SendWindow, version: number): Promise<boolean> {
  const c = columnsOf(w);
  return (await updateBudgetIfUnchanged(db, [c.tokens, c.refilled_at, c.factor, c.factor_at, c.answered, c.on_their_way, id, version])).length === 1;
}

/** The number's window, its row locked until the transaction ends (created fresh when missing, as readWindow does). */
async function lockedWindow(trx: Transaction<DB>, id: string, now: number): Promise<Versioned> {
  const select = () => forClaimInOrder(trx, trx.selectFrom('send_budgets').selectAll().where('phone_number_id', '=', id)).executeTakeFirst();
  let row = await select();
  if (!row) {
    await insertFreshBudget(trx, id, now);
    row = await select();
    if (!row) throw new Error(`no send budget for ${id}`);
  }
  return windowOf(row);
}

function windowOf(row: BudgetRow): Versioned {
  return {
    window: {
      answered: JSON.parse(row.answered) as number[],
      onTheirWay: JSON.parse(row.on_their_way) as number[],
      tokens: Number(row.tokens),
      refilledAt: Number(row.refilled_at),
      factor: Number(row.factor),
      factorAt: Number(row.factor_at),
    },
    version: Number(row.version),
  };
}

/** The window as the row keeps it: answers older than the window never count again, so are not stored. */
function storedWindow(w: SendWindow, now: number): SendWindow {
  return { ...w, answered: w.answered.filter((t) => t > now - WINDOW_MS) };
}

function columnsOf(w: SendWindow) {
  return { tokens: w.tokens, refilled_at: w.refilledAt, factor: w.factor, factor_at: w.factorAt, answered: JSON.stringify(w.answered), on_their_way: JSON.stringify(w.onTheirWay) };
}
