import type { Transaction } from 'kysely';
import { readJson } from '../db/json.ts';
import type { BroadcastRecipientRow, DB, EventRow } from '../db/schema.ts';
import { BROADCAST_TAGGED_STATUS_EVENT } from '../events/event-types.ts';
import { findMessagesOfNumber, listStatusesOfMessages } from '../messages/store.ts';
import { findAwaitingReply, findRecipientsByWamids, numbersWithBroadcastSends, projectsOfBroadcasts } from './follow-up-store.ts';
import type { RecipientChange } from './recipient-changes.ts';
import { applyRecipientChanges, type RecipientChangeOf } from './recipient-store.ts';
import { recordAcceptedTags } from './send-store.ts';
import { suppressionFor } from './send-outcome.ts';
import { insertSuppression } from './suppression-store.ts';

const STATUS_EVENTS: Readonly<Record<string, 'delivered' | 'read' | 'failed'>> = {
  'whatsapp.message.delivered': 'delivered',
  'whatsapp.message.read': 'read',
  'whatsapp.message.failed': 'failed',
};
const RECEIVED = 'whatsapp.message.received';

/**
 * What the outbox's events mean for broadcast recipients (kapso-broadcasts.md §8.3.8), applied
 * in the fan-out's transaction, so that each event moves its recipient exactly once, whatever
 * the number of workers, and nothing is done on ingest's hot path:
 * - a message's delivered, read or failed step → the recipient sent that wamid (failed with
 *   Meta's error; an opt-out or a number not on WhatsApp also goes on the suppression list);
 * - a customer's message → `responded` for the recipients of that number awaiting a reply who
 *   were sent before it arrived;
 * - a tagged status for a message not stored → the wamid is kept on the recipient as the proof
 *   that Meta accepted its send (lost-sends.ts), and applied if the recipient is already sent.
 * Returns the kinds of the changes that moved a recipient (for the metrics).
 */
export async function followBroadcastEvents(trx: Transaction<DB>, events: readonly EventRow[], now: number): Promise<Array<RecipientChange['kind']>> {
  const relevant = events.filter((e) => e.phone_number_id !== null && e.message_id !== null && (e.type in STATUS_EVENTS || e.type === RECEIVED || e.type === BROADCAST_TAGGED_STATUS_EVENT));
  if (relevant.length === 0) return [];
  const numbers = await numbersWithBroadcastSends(trx, [...new Set(relevant.map((e) => e.phone_number_id as string))]);
  const changes: RecipientChangeOf[] = [];
  const suppress: Array<{ recipient: BroadcastRecipientRow; code: number }> = [];
  for (const phoneNumberId of numbers) {
    const mine = relevant.filter((e) => e.phone_number_id === phoneNumberId);
    const tagged = mine.filter((e) => e.type === BROADCAST_TAGGED_STATUS_EVENT).map((e) => ({ ...readJson<{ tag: string; status: string }>(e.data), wamid: e.message_id as string }));
    const accepted = new Map<string, string>();
    for (const t of tagged) if (!accepted.has(t.tag)) accepted.set(t.tag, t.wamid);
    const byTag = await recordAcceptedTags(trx, accepted, now);
    // Applied at once when the recipient is already recorded as sent with that wamid.
    const taggedSteps = tagged.flatMap(({ tag, status, wamid }) => {
      const recipient = byTag.get(tag);
      return recipient?.status === 'sent' && recipient.wamid === wamid && (status === 'delivered' || status === 'read' || status === 'failed') ? [{ recipient, step: status as 'delivered' | 'read' | 'failed' }] : [];
    });
    await statusChanges(trx, phoneNumberId, taggedSteps, now, changes, suppress);
    const steps = mine.filter((e) => e.type in STATUS_EVENTS);
    const recipients = await findRecipientsByWamids(trx, phoneNumberId, [...new Set(steps.map((e) => e.message_id as string))]);
    const byWamid = new Map(recipients.map((r) => [r.wamid, r]));
    const found = steps.flatMap((e) => {
      const recipient = byWamid.get(e.message_id);
      return recipient ? [{ recipient, step: STATUS_EVENTS[e.type] as 'delivered' | 'read' | 'failed' }] : [];
    });
    await statusChanges(trx, phoneNumberId, found, now, changes, suppress);
    await replies(trx, phoneNumberId, mine.filter((e) => e.type === RECEIVED), now, changes);
  }
  const applied = await applyRecipientChanges(trx, changes, now);
  if (suppress.length > 0) {
    const projects = await projectsOfBroadcasts(trx, [...new Set(suppress.map((s) => s.recipient.broadcast_id))]);
    for (const { recipient, code } of suppress) {
      const projectId = projects.get(recipient.broadcast_id);
      const reason = suppressionFor(code);
      if (projectId && reason) await insertSuppression(trx, { project_id: projectId, wa_id: recipient.phone_number, reason, error_code: code, source: 'worker', created_at: now });
    }
  }
  return changes.flatMap((c, i) => (applied[i] ? [c.change.kind] : []));
}

/** The changes of status steps; a failure carries Meta's first error from the message's status history. */
async function statusChanges(
  trx: Transaction<DB>,
  phoneNumberId: string,
  found: ReadonlyArray<{ recipient: BroadcastRecipientRow; step: 'delivered' | 'read' | 'failed' }>,
  now: number,
  changes: RecipientChangeOf[],
  suppress: Array<{ recipient: BroadcastRecipientRow; code: number }>,
): Promise<void> {
  const failedWamids = found.filter((f) => f.step === 'failed').map((f) => f.recipient.wamid as string);
  const errorOf = new Map<string, MetaStatusError>();
  for (const row of await listStatusesOfMessages(trx, phoneNumberId, failedWamids)) {
    const error = readJson<{ status?: string; errors?: MetaStatusError[] }>(row.payload);
    if (error.status === 'failed' && error.errors?.[0]) errorOf.set(row.message_id, error.errors[0]);
  }
  for (const { recipient, step } of found) {
    if (step !== 'failed') {
      changes.push({ recipientId: recipient.id, change: { kind: step, at: now } });
      continue;
    }
    const error = errorOf.get(recipient.wamid as string);
    const code = typeof error?.code === 'number' ? error.code : null;
    const change: RecipientChange = {
      kind: 'failed',
      at: now,
      errorMessage: error?.error_data?.details ?? error?.message ?? error?.title ?? 'Meta reported the message failed',
      errorDetails: code === null ? null : { error_code: String(code), error_subcode: '' },
    };
    changes.push({ recipientId: recipient.id, change });
    if (code !== null && suppressionFor(code)) suppress.push({ recipient, code });
  }
}

/** `responded` for recipients whose customer wrote after their send. */
async function replies(trx: Transaction<DB>, phoneNumberId: string, received: readonly EventRow[], now: number, changes: RecipientChangeOf[]): Promise<void> {
  if (received.length === 0) return;
  const messages = (await findMessagesOfNumber(trx, phoneNumberId, received.map((e) => e.message_id as string))).filter((m) => m.direction === 'inbound' && m.from_id !== null);
  const awaiting = await findAwaitingReply(trx, phoneNumberId, [...new Set(messages.map((m) => m.from_id as string))]);
  for (const recipient of awaiting) {
    const reply = messages.find((m) => m.from_id === recipient.phone_number && m.created_at >= (recipient.sent_at as number));
    if (reply) changes.push({ recipientId: recipient.id, change: { kind: 'responded', at: reply.created_at } });
  }
}

interface MetaStatusError {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}
