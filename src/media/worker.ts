import { JobRunner } from '../jobs/runner.ts';
import type { WakeSignal } from '../jobs/wake-signal.ts';
import { newWorkerId } from '../jobs/worker-id.ts';
import type { MediaDownloadResult } from './download.ts';
import { DownloadQueue, type DownloadQueueDeps, type MediaDownload } from './download-queue.ts';

export type MediaWorkerDeps = DownloadQueueDeps;

export interface MediaWorkerOptions {
  /** Downloads in flight at once (default MEDIA_DOWNLOAD_CONCURRENCY). */
  concurrency?: number;
  /** Downloads of one project in flight at once, across workers (default MEDIA_DOWNLOADS_PER_PROJECT). */
  perProject?: number;
  /** How long an idle worker waits before looking again (a wake() cuts it short). */
  idlePollMs?: number;
  /** How long a claim holds a row; renewed while the download runs. */
  leaseMs?: number;
  /** The jitter draw of the backoff (tests fix it). */
  random?: () => number;
  /** Rung by this process's commits that queue media. */
  wakeOn?: WakeSignal;
}

/**
 * The media worker: the job runner (jobs/runner.ts) over the download queue. Any number of
 * workers can run against one PostgreSQL database; a worker that dies leaves leases that expire
 * and are claimed again. Leases of downloads in flight are renewed, so a large file is never
 * fetched twice at once, but only up to the download's overall deadline (deadline.ts).
 */
export class MediaWorker extends JobRunner<MediaDownload, MediaDownloadResult> {
  constructor(deps: MediaWorkerDeps, opts: MediaWorkerOptions = {}) {
    const workerId = newWorkerId();
    const log = deps.log.child({ mediaWorker: workerId });
    const perProject = opts.perProject ?? deps.config.media.downloadsPerProject;
    const queue = new DownloadQueue(deps, log, workerId, { perProject, random: opts.random ?? Math.random });
    super(queue, { workerId, log, clock: deps.clock }, {
      // A slot is held until the outcome is recorded (inFlightLimit defaults to the concurrency).
      concurrency: opts.concurrency ?? deps.config.media.downloadConcurrency,
      pollMs: opts.idlePollMs ?? 200,
      leaseMs: opts.leaseMs ?? 60_000,
      ...(opts.wakeOn ? { wakeOn: opts.wakeOn } : {}),
    });
  }
}
