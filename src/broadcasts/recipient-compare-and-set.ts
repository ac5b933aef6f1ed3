import type { Transaction } from 'kysely';
import { rawQuery } from '../db/executor.ts';
import type { BroadcastRecipientRow, DB } from '../db/schema.ts';
import { RECIPIENT_COLUMNS, type RecipientColumns, type RecipientPlan } from './recipient-changes.ts';

/** The columns a plan looks at: the row changes only if they are still as read. */
const GUARDED = ['sent_at', 'delivered_at', 'read_at', 'responded_at'] as const;

/** The only names that reach the SQL text. */
const SETTABLE: ReadonlySet<string> = new Set(RECIPIENT_COLUMNS);

type Update = ReturnType<typeof rawQuery<BroadcastRecipientRow>>;

/**
 * One statement per shape: the columns set, and which guarded columns were null when read. A
 * broadcast brings three compare-and-sets per recipient (sent, delivered, read); building each
 * through Kysely cost more than SQLite took to run it (BENCHMARKS.md). The shapes are few (a
 * dozen plans × the null patterns that reach them), so the texts are kept.
 */
const statements = new Map<string, Update>();

/**
 * Updates the recipient only if its status and the columns a plan looks at are still as read;
 * the updated row, or undefined when a concurrent change won (the caller reads it again).
 */
export async function compareAndSet(trx: Transaction<DB>, current: BroadcastRecipientRow, set: RecipientPlan['set'], now: number): Promise<BroadcastRecipientRow | undefined> {
  const columns = Object.keys(set) as Array<keyof RecipientColumns>;
  const nullGuards = GUARDED.map((c) => current[c] === null);
  const key = `${columns.join(',')}|${nullGuards.map((n) => (n ? 1 : 0)).join('')}`;
  let update = statements.get(key);
  if (!update) {
    update = rawQuery<BroadcastRecipientRow>(compareAndSetText(columns, nullGuards));
    statements.set(key, update);
  }
  const guardValues = GUARDED.filter((_, i) => !nullGuards[i]).map((c) => current[c]);
  const [row] = await update(trx, [...columns.map((c) => set[c] ?? null), now, current.id, current.status, ...guardValues]);
  return row;
}

/** `update … set <columns>, updated_at where id, status and the guards … returning *`, with `?` placeholders. */
export function compareAndSetText(columns: ReadonlyArray<keyof RecipientColumns>, nullGuards: readonly boolean[]): string {
  for (const c of columns) if (!SETTABLE.has(c)) throw new Error(`not a recipient column a plan sets: ${String(c)}`);
  const sets = [...columns.map((c) => `${c} = ?`), 'updated_at = ?'].join(', ');
  const guards = GUARDED.map((c, i) => (nullGuards[i] ? `${c} is null` : `${c} = ?`)).join(' and ');
  return `update broadcast_recipients set ${sets} where id = ? and status = ? and ${guards} returning *`;
}
