/**
 * How a conversation absorbs newly stored messages, written once for both dialects' statements
 * (db/sqlite/write-messages.ts, db/postgres/write-messages.ts). `s` is the source row: `count`
 * messages, the newest of them (`at` in epoch ms, `last_id`, `last_type`, `last_text`), the
 * newest inbound and outbound `at` among them (null when none), and `now`.
 *
 * The summary moves to a message at least as new as the current one (of equal timestamps the
 * later stored wins); activity only moves forward. Computed in SQL, not read and written back,
 * so that concurrent transactions on PostgreSQL never lose a count or let an older message
 * overwrite a newer summary: the row lock re-evaluates the CASEs on the latest row.
 */
const newer = '(last_message_at is null or last_message_at <= s.at)';

function later(column: string, value: string): string {
  return `case when ${value} is not null and (${column} is null or ${column} < ${value}) then ${value} else ${column} end`;
}

export const CONVERSATION_SUMMARY_SET = `messages_count = messages_count + s.count,
  last_message_id = case when ${newer} then s.last_id else last_message_id end,
  last_message_type = case when ${newer} then s.last_type else last_message_type end,
  last_message_text = case when ${newer} then s.last_text else last_message_text end,
  last_message_at = case when ${newer} then s.at else last_message_at end,
  last_inbound_at = ${later('last_inbound_at', 's.inbound_at')},
  last_outbound_at = ${later('last_outbound_at', 's.outbound_at')},
  last_active_at = ${later('last_active_at', 's.at')},
  updated_at = s.now`;
