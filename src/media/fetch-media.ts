import type { Logger } from 'pino';
import type { Deps } from '../deps.ts';
import type { MediaRow, PhoneNumberRow } from '../db/schema.ts';
import { downloadMetaMedia, type MediaDownloadResult } from './download.ts';
import { atHost, deadlineExceeded, DownloadDeadlineError } from './failures.ts';
import type { LinkFetcher } from './fetch-link.ts';
import { findMediaByMetaId } from './store.ts';

type FetchDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'cipher' | 'graph' | 'blobs'>;

/**
 * Fetches a claimed download under its overall deadline: at the deadline the transfer is aborted
 * and the outcome is a timeout whatever the fetch is still doing (a blob store that hangs too),
 * so the slot is freed then. `stop` aborts it too (the runner stopping): the outcome is then an
 * interruption, retried.
 */
export function fetchMediaWithin(
  deps: FetchDeps,
  links: LinkFetcher,
  job: { row: MediaRow; number: PhoneNumberRow | undefined; deadlineMs: number; log: Logger },
  stop: AbortSignal,
): Promise<MediaDownloadResult> {
  const { row, number, deadlineMs, log } = job;
  const abort = new AbortController();
  const onStop = () => abort.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let host: string | undefined; // the file's host once it is asked, named by the timeout
  const deadline = new Promise<MediaDownloadResult>((resolve) => {
    timer = setTimeout(() => {
      resolve(host === undefined ? deadlineExceeded(deadlineMs) : atHost(`http://${host}`, deadlineExceeded(deadlineMs)));
      abort.abort(new DownloadDeadlineError(deadlineMs));
    }, deadlineMs);
  });
  const fetched = fetchMedia(deps, links, row, number, abort.signal, (h) => (host = h)).catch((err: unknown): MediaDownloadResult => {
    if (abort.signal.aborted) return { ok: false, transient: true, reason: 'interrupted: the media worker stopped mid-download' };
    // A bug or the blob store failing: worth another attempt later (download.ts).
    log.error({ err }, 'media download failed unexpectedly');
    return { ok: false, transient: true, reason: 'internal error while storing the file (see the gateway log)' };
  });
  return Promise.race([fetched, deadline]).finally(() => {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  });
}

/** Fetches the file from Meta by media id, or from the outbound message's link. */
async function fetchMedia(
  deps: FetchDeps,
  links: LinkFetcher,
  row: MediaRow,
  number: PhoneNumberRow | undefined,
  signal: AbortSignal,
  onHost: (host: string) => void,
): Promise<MediaDownloadResult> {
  if (!number) return { ok: false, transient: false, reason: 'the phone number is no longer configured' };
  if (row.meta_media_id !== null) {
    // Uploaded through the gateway: the copy kept then is the file Meta holds.
    const upload = await findMediaByMetaId(deps.database.db, number.id, row.meta_media_id);
    if (upload?.state === 'stored' && upload.id !== row.id) return copyOfStored(upload);
    return downloadMetaMedia(deps, number, row.meta_media_id, deps.blobs, { signal, onHost });
  }
  if (row.source_url !== null) return links.fetch(row.source_url, row.kind ?? 'document', deps.blobs, signal, onHost);
  return { ok: false, transient: false, reason: 'the message names neither a media id nor a link' };
}

/** A stored row's file as a finished download: the blob is shared (keys are content-addressed). */
function copyOfStored(row: MediaRow): MediaDownloadResult {
  if (row.storage_key === null || row.sha256 === null || row.byte_size === null || row.content_type === null) {
    return { ok: false, transient: true, reason: 'the stored copy is incomplete' };
  }
  return { ok: true, key: row.storage_key, sha256: row.sha256, byteSize: Number(row.byte_size), contentType: row.content_type, mimeType: row.mime_type ?? row.content_type };
}
