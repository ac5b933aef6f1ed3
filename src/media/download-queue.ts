import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import type { MediaRow, PhoneNumberRow } from '../db/schema.ts';
import type { JobQueue, LeaseRequest } from '../jobs/job-queue.ts';
import { findPhoneNumbersByIds } from '../tenants/store.ts';
import { claimDueMedia, extendMediaLeases } from './claim-store.ts';
import { type DeadlineRule, downloadDeadlineMs, maxBytesOfRow } from './deadline.ts';
import type { MediaDownloadResult } from './download.ts';
import { fetchMediaWithin } from './fetch-media.ts';
import { LinkFetcher } from './fetch-link.ts';
import { promoteQueuedMedia } from './queue-store.ts';
import { nextMediaAttemptAt } from './retry.ts';
import { markMediaFailed, markMediaStored, scheduleMediaRetry } from './store.ts';

/** Queued files moved into `media` per claim: one transaction's worth, however many are waiting. */
const PROMOTE_BATCH = 500;

export type DownloadQueueDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'cipher' | 'graph' | 'blobs' | 'log' | 'metrics'>;

/** A claimed download, with the number whose token fetches it (undefined: no longer configured). */
export interface MediaDownload {
  row: MediaRow;
  number: PhoneNumberRow | undefined;
  deadlineMs: number;
  log: Logger;
}

/**
 * Media downloads as a JobRunner queue (docs/media.md): a job fetches one file from Meta or from
 * the `link` an outbound message named, within its overall deadline (deadline.ts), and stores it
 * in the blob store; its outcome is stored, failed for good with the reason, or due again after
 * the backoff (retry.ts). Claims share the slots between projects (claim-store.ts), so one
 * project's slow or numerous downloads never hold them all.
 */
export class DownloadQueue implements JobQueue<MediaDownload, MediaDownloadResult> {
  readonly name = 'media worker';
  private readonly links: LinkFetcher;
  private readonly deadlineRule: DeadlineRule;

  constructor(
    private readonly deps: DownloadQueueDeps,
    private readonly log: Logger,
    private readonly workerId: string,
    private readonly o: { perProject: number; random: () => number },
  ) {
    const { media, meta, webhooks } = deps.config;
    this.links = new LinkFetcher({ timeoutMs: meta.timeoutMs, allowPrivate: webhooks.allowPrivateUrls });
    this.deadlineRule = { timeoutMs: meta.timeoutMs, minBytesPerSecond: media.minBytesPerSecond, fixedMs: media.downloadTimeoutMs };
  }

  async claim(lease: LeaseRequest): Promise<MediaDownload[]> {
    const { db } = this.deps.database;
    // Files ingest queued since the last look become media rows first (queue-store.ts).
    await promoteQueuedMedia(db, { limit: PROMOTE_BATCH, now: lease.now });
    const claimed = await claimDueMedia(db, { ...lease, perProject: this.o.perProject });
    if (claimed.length === 0) return [];
    const numbers = new Map((await findPhoneNumbersByIds(db, [...new Set(claimed.map((m) => m.phone_number_id))])).map((n) => [n.id, n]));
    return claimed.map((row) => {
      const number = numbers.get(row.phone_number_id);
      return {
        row,
        number: number?.project_id === row.project_id ? number : undefined,
        deadlineMs: downloadDeadlineMs(maxBytesOfRow(row), this.deadlineRule),
        log: this.log.child({ mediaId: row.id, attempt: row.attempts }),
      };
    });
  }

  keyOf(job: MediaDownload): string {
    return job.row.id;
  }

  deadlineMs(job: MediaDownload): number {
    return job.deadlineMs;
  }

  run(job: MediaDownload, signal: AbortSignal): Promise<MediaDownloadResult> {
    return fetchMediaWithin(this.deps, this.links, job, signal);
  }

  /** The runner has logged the error; the download is worth another attempt later. */
  crashed(): MediaDownloadResult {
    return { ok: false, transient: true, reason: 'internal error while storing the file (see the gateway log)' };
  }

  async record({ row, log }: MediaDownload, result: MediaDownloadResult): Promise<void> {
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    const lease = { lockedBy: this.workerId };
    if (result.ok) {
      const stored = { storageKey: result.key, sha256: result.sha256, byteSize: result.byteSize, contentType: result.contentType };
      await markMediaStored(db, row.id, row.mime_type === null ? { ...stored, mimeType: result.mimeType } : stored, now, lease);
      this.deps.metrics.mediaDownloads.inc({ outcome: 'stored' });
      log.debug({ byteSize: result.byteSize }, 'media stored');
      return;
    }
    const retryAt = result.transient ? nextMediaAttemptAt(row.attempts, row.created_at, now, this.o.random()) : null;
    if (retryAt !== null) {
      await scheduleMediaRetry(db, row.id, result.reason, retryAt, now, lease);
      this.deps.metrics.mediaDownloads.inc({ outcome: 'retry' });
      log.info({ reason: result.reason, retryInMs: retryAt - now }, 'media download failed; retrying later');
      return;
    }
    const reason = result.transient ? `${result.reason} (gave up: Meta keeps media 7 days)` : result.reason;
    await markMediaFailed(db, row.id, reason, now, lease);
    this.deps.metrics.mediaDownloads.inc({ outcome: 'failed' });
    log.warn({ reason }, 'media download failed for good');
  }

  /** Extends the leases of downloads in flight (a 100 MB file may take longer than one lease). */
  renew(keys: readonly string[], until: number): Promise<void> {
    return extendMediaLeases(this.deps.database.db, keys, this.workerId, until);
  }

  close(): Promise<void> {
    return this.links.close();
  }
}
