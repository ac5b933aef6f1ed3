/**
 * How a conversation absorbs newly stored messages, written once for both dialects' statements
 * (db/sqlite/write-messages.ts, db/postgres/write-messages.ts). The source gives, per
 * conversation: `count` messages, the newest of them (`at` in epoch ms, `last_id`, `last_type`,
 * `last_text`), the newest inbound and outbound `at` among them (null when none), and `now`.
 *
 * The summary moves to a message at least as new as the current one (of equal timestamps the
 * later stored wins); activity only moves forward. Computed in SQL, not read and written back,
 * so that concurrent transactions on PostgreSQL never lose a count or let an older message
 * overwrite a newer summary: the row lock re-evaluates the CASEs on the latest row.
 */
export type SummaryField = 'count' | 'at' | 'last_id' | 'last_type' | 'last_text' | 'inbound_at' | 'outbound_at' | 'now';

/**
 * The SET clause of the summary rule, each source value written as `source(field)` gives it
 * (`s.at` for a joined row; `?` for a parameter). `fields`: the fields in the order they appear
 * in the text, for binding `?` parameters.
 */
export function conversationSummarySet(source: (field: SummaryField) => string): { sql: string; fields: SummaryField[] } {
  const fields: SummaryField[] = [];
  const value = (field: SummaryField) => {
    fields.push(field);
    return source(field);
  };
  const newer = () => `(last_message_at is null or last_message_at <= ${value('at')})`;
  const later = (column: string, field: SummaryField) =>
    `case when ${value(field)} is not null and (${column} is null or ${column} < ${value(field)}) then ${value(field)} else ${column} end`;
  const sql = `messages_count = messages_count + ${value('count')},
    last_message_id = case when ${newer()} then ${value('last_id')} else last_message_id end,
    last_message_type = case when ${newer()} then ${value('last_type')} else last_message_type end,
    last_message_text = case when ${newer()} then ${value('last_text')} else last_message_text end,
    last_message_at = case when ${newer()} then ${value('at')} else last_message_at end,
    last_inbound_at = ${later('last_inbound_at', 'inbound_at')},
    last_outbound_at = ${later('last_outbound_at', 'outbound_at')},
    last_active_at = ${later('last_active_at', 'at')},
    updated_at = ${value('now')}`;
  return { sql, fields };
}

/**
 * The source of the summary rule for a batch, in SQL (PostgreSQL's batch statement; SQLite reduces
 * in JavaScript, db/sqlite/summarize-writes.ts says why): one row per conversation
 * over the messages `from` names as `m` (the batch's rows just inserted, with their `seq`), with
 * `preview` the expression of each message's preview text. The newest message is the one with
 * the greatest timestamp, of equal timestamps the later stored (greater seq).
 */
export function batchIntakeSelect(from: string, preview: string): string {
  return `select conversation_id, count, last_id, last_type, last_text, at, inbound_at, outbound_at, now from (
     select m.conversation_id, count(*) over w as count,
       m.id as last_id, m.type as last_type, ${preview} as last_text, m.timestamp * 1000 as at,
       max(case when m.direction = 'inbound' then m.timestamp * 1000 end) over w as inbound_at,
       max(case when m.direction = 'outbound' then m.timestamp * 1000 end) over w as outbound_at,
       max(m.updated_at) over w as now,
       row_number() over (partition by m.conversation_id order by m.timestamp desc, m.seq desc) as newest
     from ${from}
     window w as (partition by m.conversation_id)) ranked
   where newest = 1`;
}
