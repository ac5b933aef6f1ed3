import type { Transaction } from 'kysely';
import type { CallEvent } from '../calls/call-event.ts';
import { recordCallEvents } from '../calls/store.ts';
import type { GroupCommitter } from './group-commit.ts';
import { lockMessageKeys } from '../db/message-lock.ts';
import type { DB } from '../db/schema.ts';
import type { InboundMessageRecord, NormalizedWebhook } from '../messages/records.ts';
import type { ConversationMessage } from '../messages/message-write.ts';
import { type StoreContext, storeConversationMessages } from '../messages/store-conversation-messages.ts';
import { appendMetaForwards } from '../outbox/meta-forward.ts';
import { recordStatuses } from './store-statuses.ts';

export type IngestContext = StoreContext;

/** The group committer of the ingest route: payloads in, their outcomes out after commit. */
export type IngestCommitter = GroupCommitter<IngestInput, IngestOutcome>;

/** One verified webhook payload, as the ingest route hands it to the group committer. */
export interface IngestInput {
  webhook: NormalizedWebhook;
  ctx: IngestContext;
  /** Raw bodies to forward to the numbers' subscribers (META_RAW_EVENT), by phone number id. */
  forwards: ReadonlyMap<string, string>;
  /** The call events of its `calls` changes (calls/normalize-call-webhook.ts). */
  calls?: readonly CallEvent[];
}

export interface IngestOutcome {
  messagesStored: number;
  duplicateMessages: number;
  statusesStored: number;
  duplicateStatuses: number;
}

/**
 * Stores a batch of verified webhooks inside the caller's transaction: every message once per
 * wamid (with its contact and conversation; all the batch's messages together, through the one
 * write path, storeConversationMessages), every status event once in the history and applied without ever moving
 * backwards, the call log's events, and the raw forwards. Returns each payload's outcome. The caller commits, and only
 * then answers Meta with 200.
 */
export async function ingestWebhooks(trx: Transaction<DB>, inputs: readonly IngestInput[]): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = inputs.map(() => ({ messagesStored: 0, duplicateMessages: 0, statusesStored: 0, duplicateStatuses: 0 }));
  const messages = inputs.flatMap((input, payload) => input.webhook.messages.map((m) => ({ message: inboundMessageOf(m), ctx: input.ctx, payload })));
  const stored = await storeConversationMessages(trx, messages);
  messages.forEach(({ payload }, i) => {
    const outcome = outcomes[payload] as IngestOutcome;
    if (stored[i]) outcome.messagesStored++;
    else outcome.duplicateMessages++;
  });
  // Meta sends statuses only for messages the business sent (never for the inbound ones above).
  // Every status's message is locked before the first is recorded, all in one order (see
  // db/message-lock.ts): one at a time in payload order, two batches sharing messages deadlocked.
  const statuses = inputs.flatMap((input, payload) => input.webhook.statuses.map((status) => ({ status, now: input.ctx.now, payload })));
  await lockMessageKeys(trx, statuses.map(({ status }) => status));
  const recorded = await recordStatuses(trx, statuses);
  statuses.forEach(({ payload }, i) => {
    const outcome = outcomes[payload] as IngestOutcome;
    if (recorded[i]) outcome.statusesStored++;
    else outcome.duplicateStatuses++;
  });
  // Calls lock only their own log rows, in call order (calls/store.ts).
  await recordCallEvents(trx, inputs.flatMap((input) => (input.calls ?? []).map((event) => ({ event, now: input.ctx.now }))));
  for (const input of inputs) await appendMetaForwards(trx, input.forwards, input.ctx.now);
  return outcomes;
}

/** A customer's message as the write path stores it: `received`, its processing `pending`. */
function inboundMessageOf(m: InboundMessageRecord): ConversationMessage {
  return {
    phoneNumberId: m.phoneNumberId, waId: m.waId, bsuid: m.bsuid, parentBsuid: m.parentBsuid, username: m.username, countryCode: m.countryCode, profileName: m.profileName, id: m.id, type: m.type, direction: 'inbound', timestamp: m.timestamp,
    status: 'received', processingStatus: 'pending', payload: m.payload, derived: m.derived,
  };
}
