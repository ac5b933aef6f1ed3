import type { SummaryField } from '../conversation-summary.ts';
import type { MessageWrite } from '../store-primitives.ts';

/** What one conversation absorbs from a batch: the source of the summary rule (db/conversation-summary.ts). */
export interface ConversationIntake extends Record<SummaryField, string | number | null> {
  conversation_id: string;
  count: number;
  /** The newest message (epoch ms; of equal timestamps the later stored), and its id, type and preview. */
  at: number;
  last_id: string;
  last_type: string;
  last_text: string;
  /** The newest inbound and outbound message times, null when none. */
  inbound_at: number | null;
  outbound_at: number | null;
  now: number;
}

/**
 * Reduces stored messages, in the order they were stored, to one intake per conversation (pure):
 * what PostgreSQL's batch statement computes in SQL over the rows it inserted
 * (batchIntakeSelect, db/conversation-summary.ts). SQLite then applies the summary rule once per
 * conversation rather than once per message: updating a conversation rewrites its index entries,
 * which costs more than the message's own insert.
 *
 * Kept in JavaScript on SQLite for a measured reason: the same reduction in SQL (batchIntakeSelect
 * over the inserted rows, one UPDATE … FROM) cost 8–11 % of ingest at 50 messages per payload
 * (BENCHMARKS.md, "Foundations A/B, the quiet re-run"), where these point updates cost next to
 * nothing in-process. test/messages/a-batch-summarizes-each-conversation-by-its-newest-message.test.ts
 * holds both dialects to the same results.
 */
export function summarizeWrites(writes: readonly MessageWrite[]): ConversationIntake[] {
  const intakes = new Map<string, ConversationIntake>();
  for (const { row, previewText } of writes) {
    const at = row.timestamp * 1000;
    const inbound = row.direction === 'inbound' ? at : null;
    const outbound = row.direction === 'outbound' ? at : null;
    const seen = intakes.get(row.conversation_id);
    if (!seen) {
      intakes.set(row.conversation_id, {
        conversation_id: row.conversation_id, count: 1, at, last_id: row.id, last_type: row.type, last_text: previewText,
        inbound_at: inbound, outbound_at: outbound, now: row.updated_at,
      });
      continue;
    }
    seen.count++;
    if (at >= seen.at) Object.assign(seen, { at, last_id: row.id, last_type: row.type, last_text: previewText });
    seen.inbound_at = latest(seen.inbound_at, inbound);
    seen.outbound_at = latest(seen.outbound_at, outbound);
    seen.now = Math.max(seen.now, row.updated_at);
  }
  return [...intakes.values()];
}

function latest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}
