import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import { OutageBackoff } from '../db/outage.ts';
import { isStoreUnavailable } from '../db/unavailable.ts';
import type { MediaRow, PhoneNumberRow } from '../db/schema.ts';
import { findPhoneNumbersByIds } from '../tenants/store.ts';
import { claimDueMedia, extendMediaLeases } from './claim-store.ts';
import { type DeadlineRule, downloadDeadlineMs, maxBytesOfRow } from './deadline.ts';
import { downloadMetaMedia, type MediaDownloadResult } from './download.ts';
import { atHost, deadlineExceeded, DownloadDeadlineError } from './failures.ts';
import { LinkFetcher } from './fetch-link.ts';
import { promoteQueuedMedia } from './queue-store.ts';
import { nextMediaAttemptAt } from './retry.ts';
import { findMediaByMetaId, markMediaFailed, markMediaStored, scheduleMediaRetry } from './store.ts';

/** Queued files moved into `media` per look: one transaction's worth, however many are waiting. */
const PROMOTE_BATCH = 500;

export type MediaWorkerDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'cipher' | 'graph' | 'blobs' | 'log'>;

export interface MediaWorkerOptions {
  /** Downloads in flight at once (default MEDIA_DOWNLOAD_CONCURRENCY). */
  concurrency?: number;
  /** Downloads of one project in flight at once, across workers (default MEDIA_DOWNLOADS_PER_PROJECT). */
  perProject?: number;
  /** How long an idle worker sleeps before looking again (a wake() cuts it short). */
  idlePollMs?: number;
  /** How long a claim holds a row; renewed while the download runs. */
  leaseMs?: number;
  /** The jitter draw of the backoff (tests fix it). */
  random?: () => number;
}

/**
 * The media worker (docs/media.md): claims due downloads under a lease, fetches each from Meta
 * (`GET /{media-id}` with the number's token) or from the `link` an outbound message named,
 * stores it in the blob store, and records the outcome: stored, failed for good with the reason,
 * or due again after a backoff. Any number of workers can run against one PostgreSQL database;
 * a worker that dies leaves leases that expire and are claimed again. Leases of downloads in
 * flight are renewed, so a large file is never fetched twice at once, but only up to the
 * download's overall deadline (deadline.ts): a transfer still running then is aborted, its slot
 * freed and the row due again after the backoff. Claims share the slots between projects
 * (claim-store.ts), so one project's slow or numerous downloads never hold them all. On stop it
 * claims nothing more and lets downloads in flight finish, up to a deadline.
 */
export class MediaWorker {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly log: Logger;
  private readonly links: LinkFetcher;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** When each download in flight must be over, on the monotonic clock (performance.now()). */
  private readonly deadlines = new Map<string, number>();
  /** Aborts each download in flight: at its deadline, or when a stop has waited long enough. */
  private readonly aborts = new Map<string, AbortController>();
  private readonly deadlineRule: DeadlineRule;
  private readonly concurrency: number;
  private readonly perProject: number;
  private readonly idlePollMs: number;
  private readonly leaseMs: number;
  private readonly random: () => number;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  /** A wake() that came while the loop was busy: its next sleep returns at once. */
  private rung = false;
  private renewal: NodeJS.Timeout | undefined;
  private readonly outage: OutageBackoff;

  constructor(
    private readonly deps: MediaWorkerDeps,
    opts: MediaWorkerOptions = {},
  ) {
    this.log = deps.log.child({ mediaWorker: this.workerId });
    this.links = new LinkFetcher({ timeoutMs: deps.config.meta.timeoutMs, allowPrivate: deps.config.webhooks.allowPrivateUrls });
    this.concurrency = opts.concurrency ?? deps.config.media.downloadConcurrency;
    this.perProject = opts.perProject ?? deps.config.media.downloadsPerProject;
    const { media, meta } = deps.config;
    this.deadlineRule = { timeoutMs: meta.timeoutMs, minBytesPerSecond: media.minBytesPerSecond, fixedMs: media.downloadTimeoutMs };
    this.idlePollMs = opts.idlePollMs ?? 200;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.random = opts.random ?? Math.random;
    this.outage = new OutageBackoff(this.log, 'media worker cycle');
  }

  /** Starts the loop, and the renewal of leases in flight, in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    this.renewal = setInterval(() => void this.renewLeases(), Math.max(1_000, Math.floor(this.leaseMs / 3)));
    this.renewal.unref();
  }

  /** Cuts an idle sleep short (or the next one): media was queued in this process. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.rung = true;
  }

  /** Stops claiming, waits for downloads in flight up to `drainMs`, and closes the link fetcher's pool. */
  async stop(drainMs = 10_000): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(resolve, drainMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), deadline]);
    clearTimeout(timer);
    clearInterval(this.renewal);
    if (this.inFlight.size > 0) {
      // Aborted rather than left running: the link fetcher's pool cannot close under a transfer
      // that never ends (a link dripping bytes), and the rows go back in the queue at once.
      this.log.warn({ inFlight: this.inFlight.size }, 'stopping: aborting downloads still in flight; they are retried');
      for (const abort of this.aborts.values()) abort.abort(new Error('the media worker is stopping'));
      await Promise.race([Promise.allSettled([...this.inFlight.values()]), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    }
    await this.links.close();
  }

  /**
   * Downloads everything due now and waits for it. For tests and one-shot runs (the injected
   * clock decides what is due). Returns the downloads attempted.
   */
  async runOnce(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const launched = await this.claimAndLaunch();
      if (launched === 0) break;
      attempted += launched;
      await Promise.allSettled([...this.inFlight.values()]);
    }
    return attempted;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const launched = await this.claimAndLaunch();
        this.outage.succeeded();
        if (launched === 0) await this.sleep(this.idlePollMs);
      } catch (err) {
        await this.sleep(this.outage.failed(err));
      }
    }
  }

  /** Claims what there is room for and starts downloading it; returns the downloads started. */
  private async claimAndLaunch(): Promise<number> {
    const room = this.concurrency - this.inFlight.size;
    if (room <= 0) return 0;
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    // Files ingest queued since the last look become media rows first (queue-store.ts).
    await promoteQueuedMedia(db, { limit: PROMOTE_BATCH, now });
    const claimed = await claimDueMedia(db, { workerId: this.workerId, now, leaseMs: this.leaseMs, limit: room, perProject: this.perProject });
    if (claimed.length === 0) return 0;
    const numbers = new Map((await findPhoneNumbersByIds(db, [...new Set(claimed.map((m) => m.phone_number_id))])).map((n) => [n.id, n]));
    for (const row of claimed) {
      const number = numbers.get(row.phone_number_id);
      this.launch(row, number?.project_id === row.project_id ? number : undefined);
    }
    return claimed.length;
  }

  private launch(row: MediaRow, number: PhoneNumberRow | undefined): void {
    const log = this.log.child({ mediaId: row.id, attempt: row.attempts });
    const deadlineMs = downloadDeadlineMs(maxBytesOfRow(row), this.deadlineRule);
    this.deadlines.set(row.id, performance.now() + deadlineMs);
    const task = this.fetchWithin(row, number, deadlineMs, log)
      .then((result) => this.record(row, result, log))
      .catch((err: unknown) => log[isStoreUnavailable(err) ? 'warn' : 'error']({ err }, 'recording a media download failed; the lease will expire and it is retried'))
      .finally(() => {
        this.inFlight.delete(row.id);
        this.deadlines.delete(row.id);
        this.aborts.delete(row.id);
        this.wake();
      });
    this.inFlight.set(row.id, task);
  }

  /**
   * Fetches under the download's overall deadline: at the deadline the transfer is aborted and
   * the outcome is a timeout whatever the fetch is still doing (a blob store that hangs too), so
   * the slot is freed then.
   */
  private fetchWithin(row: MediaRow, number: PhoneNumberRow | undefined, deadlineMs: number, log: Logger): Promise<MediaDownloadResult> {
    const abort = new AbortController();
    this.aborts.set(row.id, abort);
    let timer: NodeJS.Timeout | undefined;
    let host: string | undefined; // the file's host once it is asked, named by the timeout
    const deadline = new Promise<MediaDownloadResult>((resolve) => {
      timer = setTimeout(() => {
        resolve(host === undefined ? deadlineExceeded(deadlineMs) : atHost(`http://${host}`, deadlineExceeded(deadlineMs)));
        abort.abort(new DownloadDeadlineError(deadlineMs));
      }, deadlineMs);
    });
    const fetched = this.fetch(row, number, abort.signal, (h) => (host = h)).catch((err: unknown): MediaDownloadResult => {
      if (abort.signal.aborted) return { ok: false, transient: true, reason: 'interrupted: the media worker stopped mid-download' };
      // A bug or the blob store failing: worth another attempt later (download.ts).
      log.error({ err }, 'media download failed unexpectedly');
      return { ok: false, transient: true, reason: 'internal error while storing the file (see the gateway log)' };
    });
    return Promise.race([fetched, deadline]).finally(() => clearTimeout(timer));
  }

  /** Fetches the file from Meta by media id, or from the outbound message's link. */
  private async fetch(row: MediaRow, number: PhoneNumberRow | undefined, signal: AbortSignal, onHost: (host: string) => void): Promise<MediaDownloadResult> {
    if (!number) return { ok: false, transient: false, reason: 'the phone number is no longer configured' };
    if (row.meta_media_id !== null) {
      // Uploaded through the gateway: the copy kept then is the file Meta holds.
      const upload = await findMediaByMetaId(this.deps.database.db, number.id, row.meta_media_id);
      if (upload?.state === 'stored' && upload.id !== row.id) return copyOfStored(upload);
      return downloadMetaMedia(this.deps, number, row.meta_media_id, this.deps.blobs, { signal, onHost });
    }
    if (row.source_url !== null) return this.links.fetch(row.source_url, row.kind ?? 'document', this.deps.blobs, signal, onHost);
    return { ok: false, transient: false, reason: 'the message names neither a media id nor a link' };
  }

  private async record(row: MediaRow, result: MediaDownloadResult, log: Logger): Promise<void> {
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    const lease = { lockedBy: this.workerId };
    if (result.ok) {
      const stored = { storageKey: result.key, sha256: result.sha256, byteSize: result.byteSize, contentType: result.contentType };
      await markMediaStored(db, row.id, row.mime_type === null ? { ...stored, mimeType: result.mimeType } : stored, now, lease);
      log.debug({ byteSize: result.byteSize }, 'media stored');
      return;
    }
    const retryAt = result.transient ? nextMediaAttemptAt(row.attempts, row.created_at, now, this.random()) : null;
    if (retryAt !== null) {
      await scheduleMediaRetry(db, row.id, result.reason, retryAt, now, lease);
      log.info({ reason: result.reason, retryInMs: retryAt - now }, 'media download failed; retrying later');
      return;
    }
    const reason = result.transient ? `${result.reason} (gave up: Meta keeps media 7 days)` : result.reason;
    await markMediaFailed(db, row.id, reason, now, lease);
    log.warn({ reason }, 'media download failed for good');
  }

  /** Renews the leases of downloads in flight, but not past their deadline: those are being aborted. */
  private async renewLeases(): Promise<void> {
    const at = performance.now();
    const ids = [...this.deadlines].filter(([, deadline]) => deadline > at).map(([id]) => id);
    if (ids.length === 0) return;
    try {
      await extendMediaLeases(this.deps.database.db, ids, this.workerId, this.deps.clock.now() + this.leaseMs);
    } catch (err) {
      this.log[isStoreUnavailable(err) ? 'warn' : 'error']({ err }, 'renewing media leases failed');
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.rung) {
      this.rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}

/** A stored row's file as a finished download: the blob is shared (keys are content-addressed). */
function copyOfStored(row: MediaRow): MediaDownloadResult {
  if (row.storage_key === null || row.sha256 === null || row.byte_size === null || row.content_type === null) {
    return { ok: false, transient: true, reason: 'the stored copy is incomplete' };
  }
  return { ok: true, key: row.storage_key, sha256: row.sha256, byteSize: Number(row.byte_size), contentType: row.content_type, mimeType: row.mime_type ?? row.content_type };
}
