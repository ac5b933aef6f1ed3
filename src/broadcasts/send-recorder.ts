import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import { directTransaction } from '../db/executor.ts';
import type { DB } from '../db/schema.ts';
import { GroupCommit } from '../jobs/group-commit.ts';
import { storeConversationMessages } from '../messages/store-conversation-messages.ts';
import type { RecipientChange } from './recipient-changes.ts';
import { applyRecipientChanges, type RecipientChangeOf } from './recipient-store.ts';
import type { RecipientSend, SendResult } from './send-recipient.ts';
import { announceBroadcasts } from './broadcast-event.ts';
import { failBroadcast } from './send-store.ts';
import type { SendOutcome } from './send-outcome.ts';
import { insertSuppression } from './suppression-store.ts';

type RecorderDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'outboxBell' | 'mediaBell'>;

/** What recording an outcome needs of the job. */
export type RecordedSend = Pick<RecipientSend, 'recipient' | 'broadcastId' | 'projectId'>;

interface Recorded {
  job: RecordedSend;
  result: SendResult;
}

/** Outcomes written per transaction at most. */
const BATCH = 200;
/**
 * SQLite: how long an outcome waits for others to share its transaction (GroupCommit's gatherMs).
 * Each commit there costs a fixed ~0.4 ms (the pages every recorder transaction dirties) on the
 * one thread that also sends and ingests; at 1,000 sends a second the recorder committed some 110
 * times a second, 9 outcomes each. Gathering for 20 ms cut serve's CPU per send by a sixth
 * (BENCHMARKS.md). Not on PostgreSQL, where the same wait lowered the worker's rate (the
 * commit's cost is PostgreSQL's, in another process, and the wait only delays the outcome).
 */
const SQLITE_GATHER_MS = 20;

/**
 * Records send outcomes many per transaction (group commit, as the outbox's AttemptRecorder): the
 * outcomes that finish while one transaction commits are written together by the next. An
 * accepted send's message is stored in the customer's conversation (the one write path, so the
 * history and webhooks see it like an API send) in the same transaction as its recipient turns
 * `sent`: a status webhook that beat it here is applied to the message then, and reaches the
 * recipient through the outbox. Each caller's promise settles once its outcome is committed.
 */
export class SendRecorder {
  private readonly commits: GroupCommit<Recorded>;

  constructor(
    private readonly deps: RecorderDeps,
    private readonly log: Logger,
  ) {
    this.commits = new GroupCommit((batch) => this.write(batch), BATCH, deps.database.dialect === 'sqlite' ? SQLITE_GATHER_MS : 0);
  }

  record(job: RecordedSend, result: SendResult): Promise<void> {
    return this.commits.add({ job, result });
  }

  private async write(batch: readonly Recorded[]): Promise<void> {
    const now = this.deps.clock.now();
    const failedBroadcasts = await directTransaction(this.deps.database.db, (trx) => writeOutcomes(trx, batch, now, this.deps.config.conversations.inactivityMs));
    for (const { id, reason } of failedBroadcasts) this.log.error({ broadcastId: id, reason }, 'broadcast failed: it cannot go on');
    if (failedBroadcasts.length > 0 || batch.some((w) => w.result.message)) this.deps.outboxBell.ring();
    if (batch.some((w) => w.result.message?.derived.hasMedia)) this.deps.mediaBell.ring();
  }
}

/** Writes a batch of outcomes; returns the broadcasts it failed (T9). */
async function writeOutcomes(trx: Transaction<DB>, batch: readonly Recorded[], now: number, inactivityMs: number): Promise<Array<{ id: string; reason: string }>> {
  const messages = batch.flatMap((w) => (w.result.message ? [{ message: w.result.message, ctx: { now, inactivityMs } }] : []));
  if (messages.length > 0) await storeConversationMessages(trx, messages);
  const changes: RecipientChangeOf[] = [];
  const failed: Array<{ id: string; reason: string }> = [];
  for (const { job, result } of batch) {
    const change = recipientChangeOf(result.outcome, now);
    changes.push({ recipientId: job.recipient.id, change });
    const { outcome } = result;
    if (outcome.kind === 'failed' && outcome.suppress) {
      await insertSuppression(trx, { project_id: job.projectId, wa_id: job.recipient.phone_number, reason: outcome.suppress, error_code: outcome.errorCode, source: 'worker', created_at: now });
    }
    if (outcome.kind === 'broadcast_failed') {
      const row = await failBroadcast(trx, job.broadcastId, outcome.reason, now);
      if (row) {
        await announceBroadcasts(trx, [row], now);
        failed.push({ id: job.broadcastId, reason: outcome.reason });
      }
    }
  }
  await applyRecipientChanges(trx, changes, now);
  return failed;
}

/** The recipient change an outcome makes. */
export function recipientChangeOf(outcome: SendOutcome, now: number): RecipientChange {
  switch (outcome.kind) {
    case 'sent':
      return { kind: 'sent', at: now, wamid: outcome.wamid };
    case 'retry':
      return { kind: 'retry', nextAttemptAt: outcome.nextAttemptAt };
    case 'failed':
      return {
        kind: 'failed',
        at: now,
        errorMessage: outcome.errorMessage,
        errorDetails: outcome.errorCode === null ? null : { error_code: String(outcome.errorCode), error_subcode: outcome.errorSubcode === null ? '' : String(outcome.errorSubcode) },
      };
    case 'unknown':
      return { kind: 'outcome_unknown', at: now };
    case 'broadcast_failed':
      // The recipient was not sent: it stays pending on a broadcast that no longer sends.
      return { kind: 'retry', nextAttemptAt: now };
  }
}
