import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Deps } from '../deps.ts';
import { PRUNED_MEDIA_REASON } from '../media/pruned.ts';
import {
  countBlobReferences,
  countStatusesOf,
  deleteConversations,
  deleteMediaRows,
  deleteMessageBatch,
  findMediaOfPrunedMessages,
  forgetPrunedInSummary,
  listNumbersToPrune,
  markMediaPruned,
  nextConversationsToDelete,
  nextMessagesBefore,
  nextUploadsBefore,
  type PrunableMedia,
  type PrunableMessage,
} from './prune-store.ts';

type PruneDeps = Pick<Deps, 'database' | 'blobs'>;

/**
 * Rows per batch: each batch is one short write transaction (SQLite's single writer is held a few
 * milliseconds, so ingest in `serve` waits no longer than its busy timeout allows), and the event
 * loop gets a turn between batches.
 */
const BATCH = 500;

export interface PruneOptions {
  /** Messages timestamped (by Meta) before this instant go, epoch ms. */
  beforeMs: number;
  /** Only the files: messages and their media rows stay, the rows marked pruned. */
  mediaOnly: boolean;
  /** Count what would go; change nothing. */
  dryRun: boolean;
  /** Only this project's numbers; absent: every number. */
  projectId?: string | undefined;
  now: number;
}

/** What a prune removed (or, dry, would remove). */
export interface PruneReport {
  before: string;
  mediaOnly: boolean;
  dryRun: boolean;
  messages: number;
  statuses: number;
  /** Media rows deleted (full prune) or marked pruned (media-only). */
  media: number;
  /** Files deleted from the blob store: those no remaining media row points at. */
  blobs: number;
  bytes: number;
  conversations: number;
}

/**
 * Prunes history older than `beforeMs`, number by number, in batches (docs/operations.md,
 * "Retention and pruning"). A full prune deletes each old message with its status events and
 * media rows, takes it out of its conversation's summary, and then deletes the ended
 * conversations left without a message; contacts are kept. Files are content-addressed and
 * shared: one goes only when no media row points at it any more, so a newer message's copy of
 * the same file keeps it. A dry run walks the same batches and counts the same things.
 */
export async function pruneHistory(deps: PruneDeps, o: PruneOptions): Promise<PruneReport> {
  const report: PruneReport = { before: new Date(o.beforeMs).toISOString(), mediaOnly: o.mediaOnly, dryRun: o.dryRun, messages: 0, statuses: 0, media: 0, blobs: 0, bytes: 0, conversations: 0 };
  const blobs = new BlobTally(deps, o.dryRun, report);
  const { db } = deps.database;
  const beforeSeconds = Math.ceil(o.beforeMs / 1000);
  for (const phoneNumberId of await listNumbersToPrune(db, o.projectId)) {
    for (let after: readonly [number, number] | null = null; ; ) {
      const messages = await nextMessagesBefore(db, phoneNumberId, beforeSeconds, after, BATCH);
      if (messages.length === 0) break;
      const last = messages[messages.length - 1] as PrunableMessage;
      after = [last.timestamp, last.seq];
      await (o.mediaOnly ? pruneMediaOf(deps, phoneNumberId, messages, o, report, blobs) : pruneMessages(deps, phoneNumberId, messages, o, report, blobs));
      await yieldToEventLoop();
    }
    for (let after: string | null = null; ; ) {
      const uploads = await nextUploadsBefore(db, phoneNumberId, o.beforeMs, after, BATCH, o.mediaOnly);
      if (uploads.length === 0) break;
      after = (uploads[uploads.length - 1] as PrunableMedia).id;
      report.media += o.dryRun ? uploads.length : o.mediaOnly ? await markMediaPruned(db, uploads.map((u) => u.id), PRUNED_MEDIA_REASON, o.now) : await deleteMediaRows(db, uploads.map((u) => u.id));
      await blobs.released(uploads);
      await yieldToEventLoop();
    }
    if (!o.mediaOnly) await pruneConversations(deps, phoneNumberId, o, beforeSeconds, report);
  }
  await blobs.finish();
  return report;
}

async function pruneMessages(deps: PruneDeps, phoneNumberId: string, messages: readonly PrunableMessage[], o: PruneOptions, report: PruneReport, blobs: BlobTally): Promise<void> {
  const { db } = deps.database;
  const ids = messages.map((m) => m.id);
  const media = await findMediaOfPrunedMessages(db, phoneNumberId, ids, false);
  if (o.dryRun) {
    report.messages += messages.length;
    report.statuses += await countStatusesOf(db, phoneNumberId, ids);
    report.media += media.length;
    await blobs.released(media);
    return;
  }
  // The summaries first: for a moment a conversation shows no last message while it still
  // exists, never a last message that is gone.
  const byConversation = new Map<string, string[]>();
  for (const m of messages) byConversation.set(m.conversation_id, [...(byConversation.get(m.conversation_id) ?? []), m.id]);
  for (const [conversationId, pruned] of byConversation) await forgetPrunedInSummary(db, conversationId, pruned.length, pruned);
  const deleted = await deleteMessageBatch(db, phoneNumberId, messages);
  report.messages += deleted.messages;
  report.statuses += deleted.statuses;
  report.media += deleted.media;
  await blobs.released(media);
}

async function pruneMediaOf(deps: PruneDeps, phoneNumberId: string, messages: readonly PrunableMessage[], o: PruneOptions, report: PruneReport, blobs: BlobTally): Promise<void> {
  const { db } = deps.database;
  const media = await findMediaOfPrunedMessages(db, phoneNumberId, messages.map((m) => m.id), true);
  report.media += o.dryRun ? media.length : await markMediaPruned(db, media.map((m) => m.id), PRUNED_MEDIA_REASON, o.now);
  await blobs.released(media);
}

async function pruneConversations(deps: PruneDeps, phoneNumberId: string, o: PruneOptions, beforeSeconds: number, report: PruneReport): Promise<void> {
  const { db } = deps.database;
  for (let after: string | null = null; ; ) {
    const rows = await nextConversationsToDelete(db, phoneNumberId, { beforeMs: o.beforeMs, beforeSeconds, dryRun: o.dryRun, after, limit: BATCH });
    if (rows.length === 0) return;
    after = (rows[rows.length - 1] as { id: string }).id;
    report.conversations += o.dryRun ? rows.length : await deleteConversations(db, rows);
    await yieldToEventLoop();
  }
}

/**
 * Counts and removes the files media rows let go of. A real prune asks after each batch which of
 * its files no row points at any more and removes those. A dry run changed no row, so it keeps
 * how many of each file's rows it would have let go of and, at the end, counts the files whose
 * every row would go.
 */
class BlobTally {
  private readonly wouldRelease = new Map<string, { rows: number; bytes: number }>();

  constructor(
    private readonly deps: PruneDeps,
    private readonly dryRun: boolean,
    private readonly report: PruneReport,
  ) {}

  async released(rows: readonly PrunableMedia[]): Promise<void> {
    const files = new Map<string, { rows: number; bytes: number }>();
    for (const row of rows) {
      if (row.storage_key === null) continue;
      const file = files.get(row.storage_key) ?? { rows: 0, bytes: Number(row.byte_size ?? 0) };
      file.rows += 1;
      files.set(row.storage_key, file);
    }
    if (this.dryRun) {
      for (const [key, file] of files) {
        const seen = this.wouldRelease.get(key);
        this.wouldRelease.set(key, { rows: (seen?.rows ?? 0) + file.rows, bytes: file.bytes });
      }
      return;
    }
    const stillUsed = await countBlobReferences(this.deps.database.db, [...files.keys()]);
    for (const [key, file] of files) {
      if (stillUsed.has(key)) continue;
      await this.deps.blobs.remove(key);
      this.report.blobs += 1;
      this.report.bytes += file.bytes;
    }
  }

  async finish(): Promise<void> {
    const keys = [...this.wouldRelease.keys()];
    for (let i = 0; i < keys.length; i += BATCH) {
      const chunk = keys.slice(i, i + BATCH);
      const references = await countBlobReferences(this.deps.database.db, chunk);
      for (const key of chunk) {
        const file = this.wouldRelease.get(key) as { rows: number; bytes: number };
        if ((references.get(key) ?? 0) > file.rows) continue;
        this.report.blobs += 1;
        this.report.bytes += file.bytes;
      }
    }
  }
}
