import { readJson } from '../../db/json.ts';
import type { MessageRow, StatusRow } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { INBOX_CONVERSATION_ASSIGNED_EVENT, INBOX_CONVERSATION_REOPENED_EVENT, INBOX_NOTE_CREATED_EVENT } from '../../events/event-types.ts';
import { findMessagesOfNumber, listStatusesOfMessages } from '../../messages/store.ts';
import { presentKapsoMessages } from '../present-messages.ts';
import type { LiveEventRow } from './live-store.ts';
import type { LiveFrame } from './sse-stream.ts';

/** How the stream shows the inbox's own objects (docs/inbox-api.md `InboxConversation`, `Note`). */
export interface InboxViews {
  /** The conversations of the project as one member sees them (unread count, assignee); those not the project's left out. */
  conversations(projectId: string, memberUserId: string, ids: readonly string[]): Promise<Array<{ id: string }>>;
  /** A note of the project, or undefined when it is gone. */
  note(projectId: string, noteId: string): Promise<unknown>;
}

export type RenderDeps = Pick<Deps, 'database' | 'mediaUrls' | 'clock'>;

/** The outbox types shown as `conversation` events: the conversation changed for everyone. */
const CONVERSATION_EVENTS: ReadonlySet<string> = new Set([
  'whatsapp.conversation.created',
  'whatsapp.conversation.ended',
  INBOX_CONVERSATION_ASSIGNED_EVENT,
  INBOX_CONVERSATION_REOPENED_EVENT,
]);
const NOTE_EVENT = INBOX_NOTE_CREATED_EVENT;
/** The first the outbox says of an outbound message (it fires nothing when stored): it is shown as a `message` too. */
const FIRST_OUTBOUND_EVENTS: ReadonlySet<string> = new Set(['whatsapp.message.sent', 'whatsapp.message.failed']);

/**
 * The frames of one project's outbox rows for each of `memberUserIds`, in seq order
 * (docs/inbox-api.md "Live events"). Messages, statuses and notes are loaded and rendered once for
 * all; a conversation is rendered per member, as each sees it. A row whose source is gone (pruned,
 * deleted) and a type the inbox does not show (Meta's raw payloads, phone numbers, broadcasts,
 * inactivity notices) yield no frame.
 */
export async function renderLiveEvents(
  deps: RenderDeps,
  views: InboxViews,
  projectId: string,
  rows: readonly LiveEventRow[],
  memberUserIds: readonly string[],
): Promise<Map<string, LiveFrame[]>> {
  const messages = await loadMessages(deps, rows);
  const notes = await loadNotes(views, projectId, rows);
  const conversationIds = [...new Set(rows.filter((r) => CONVERSATION_EVENTS.has(r.type) && r.conversation_id).map((r) => r.conversation_id as string))];
  const framesByMember = new Map<string, LiveFrame[]>();
  for (const userId of memberUserIds) {
    const conversations = conversationIds.length === 0 ? new Map() : new Map((await views.conversations(projectId, userId, conversationIds)).map((c) => [c.id, c]));
    const frames: LiveFrame[] = [];
    for (const row of rows) {
      if (CONVERSATION_EVENTS.has(row.type)) {
        const conversation = conversations.get(row.conversation_id ?? '');
        if (conversation) frames.push(frame(row.seq, 'conversation', { conversation }));
      } else {
        frames.push(...sharedFrames(row, messages, notes));
      }
    }
    framesByMember.set(userId, frames);
  }
  return framesByMember;
}

/** What every member is shown alike for a message or note event. */
function sharedFrames(row: LiveEventRow, messages: Map<string, LoadedMessage>, notes: Map<string, unknown>): LiveFrame[] {
  if (row.type === NOTE_EVENT) {
    const note = notes.get(noteIdOf(row) ?? '');
    return note === undefined ? [] : [frame(row.seq, 'note', { note })];
  }
  if (!row.type.startsWith('whatsapp.message.')) return [];
  const loaded = messages.get(keyOf(row.phone_number_id, row.message_id));
  if (!loaded) return [];
  const conversationId = loaded.row.conversation_id;
  const message = frame(row.seq, 'message', { conversation_id: conversationId, message: loaded.object });
  if (row.type === 'whatsapp.message.received') return [message];
  const data = readJson<{ status?: string; status_timestamp?: number }>(row.data) ?? {};
  const status = data.status ?? loaded.row.status;
  const update = frame(row.seq, 'status', { conversation_id: conversationId, message_id: loaded.row.id, status, errors: errorsOf(loaded.statuses, status, data.status_timestamp) });
  return FIRST_OUTBOUND_EVENTS.has(row.type) ? [message, update] : [update];
}

/** Meta's `errors` of the status event that fired this one (a failure's reason), else []. */
function errorsOf(statuses: readonly StatusRow[], status: string, timestamp: number | undefined): unknown[] {
  const fired = statuses.filter((s) => s.status === status && (timestamp === undefined || Number(s.timestamp) === timestamp)).at(-1);
  const errors = fired ? readJson<{ errors?: unknown }>(fired.payload).errors : undefined;
  return Array.isArray(errors) ? errors : [];
}

interface LoadedMessage {
  row: MessageRow;
  statuses: StatusRow[];
  object: unknown;
}

/**
 * The messages the message events name, as the inbox's thread renders them (KapsoMessage), with
 * the status history of those a failure names (its reason): a few queries per number.
 */
async function loadMessages(deps: RenderDeps, rows: readonly LiveEventRow[]): Promise<Map<string, LoadedMessage>> {
  const idsByNumber = new Map<string, Set<string>>();
  const failed = new Set<string>();
  for (const row of rows) {
    if (!row.type.startsWith('whatsapp.message.') || !row.phone_number_id || !row.message_id) continue;
    idsByNumber.set(row.phone_number_id, (idsByNumber.get(row.phone_number_id) ?? new Set()).add(row.message_id));
    if (row.type === 'whatsapp.message.failed') failed.add(keyOf(row.phone_number_id, row.message_id));
  }
  const loaded = new Map<string, LoadedMessage>();
  for (const [phoneNumberId, ids] of idsByNumber) {
    const found = await findMessagesOfNumber(deps.database.db, phoneNumberId, [...ids]);
    const objects = await presentKapsoMessages(deps, phoneNumberId, found);
    const failures = found.filter((m) => failed.has(keyOf(phoneNumberId, m.id))).map((m) => m.id);
    const statuses = await listStatusesOfMessages(deps.database.db, phoneNumberId, failures);
    found.forEach((row, i) => {
      loaded.set(keyOf(phoneNumberId, row.id), { row, statuses: statuses.filter((s) => s.message_id === row.id), object: objects[i] });
    });
  }
  return loaded;
}

async function loadNotes(views: InboxViews, projectId: string, rows: readonly LiveEventRow[]): Promise<Map<string, unknown>> {
  const notes = new Map<string, unknown>();
  for (const row of rows) {
    const id = row.type === NOTE_EVENT ? noteIdOf(row) : undefined;
    if (id === undefined || notes.has(id)) continue;
    const note = await views.note(projectId, id);
    if (note !== undefined) notes.set(id, note);
  }
  return notes;
}

function noteIdOf(row: LiveEventRow): string | undefined {
  const id = readJson<{ note_id?: unknown } | null>(row.data)?.note_id;
  return typeof id === 'string' ? id : undefined;
}

function keyOf(phoneNumberId: string | null, messageId: string | null): string {
  return `${phoneNumberId}\n${messageId}`;
}

function frame(seq: number, event: string, data: unknown): LiveFrame {
  return { seq, event, data: JSON.stringify(data) };
}
