import { type Dispatcher, request } from 'undici';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import { atHost, classifyDownloadStatus, classifyNetworkError, type MediaFailure, permanent } from './failures.ts';
import { maxBytesFor } from './limits.ts';
import { fetchMetaMediaInfo, type MetaMediaInfo } from './meta-media.ts';
import { storeResponseBody } from './store-body.ts';
import { secretSlots } from '../crypto/secrets.ts';

/** A downloaded and stored file: what markMediaStored records. */
export interface MediaDownloaded {
  ok: true;
  key: string;
  /** Hex SHA-256 of the stored bytes (Meta's, when Meta gave one). */
  sha256: string;
  byteSize: number;
  /** What it is served as, after checking the bytes against `mimeType`. */
  contentType: string;
  /** As Meta announced it. */
  mimeType: string;
}

export type MediaDownloadResult = MediaDownloaded | Omit<MediaFailure, 'refetch'>;

export interface DownloadOptions {
  /** The Graph version of the metadata call. */
  graphVersion?: string;
  /** Overrides the per-type limit of limits.ts (tests). */
  maxBytes?: number;
  /** Defaults to undici's global dispatcher. */
  dispatcher?: Dispatcher;
  /** Aborts the transfer (the worker's overall deadline, deadline.ts). */
  signal?: AbortSignal;
  /** Told the host of the file before it is asked, so a deadline's timeout can name it. */
  onHost?: (host: string) => void;
}

const GRAPH_VERSION = 'v24.0';

/**
 * Fetches a media file from Meta into the blob store (meta-cloud-api.md §3): `GET /{media-id}`
 * with the number's token gives the URL, type, size and SHA-256; the file is then streamed from
 * the URL through the size bounds into the store, which checks the SHA-256 before the file gets
 * its key. An expired URL or bytes that do not match are fetched once more with a fresh URL.
 * Returns a failure that says whether a later attempt can help; throws only what it cannot
 * classify (a bug, or the blob store failing), which a worker should treat as transient.
 */
export async function downloadMetaMedia(
  deps: Pick<Deps, 'config' | 'graph' | 'cipher'>,
  number: PhoneNumberRow,
  metaMediaId: string,
  store: BlobStore,
  opts: DownloadOptions = {},
): Promise<MediaDownloadResult> {
  const token = deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id));
  let failure: MediaFailure | undefined;
  for (let fetches = 0; fetches < 2; fetches++) {
    const metadata = await fetchMetaMediaInfo(deps, number, token, metaMediaId, opts.graphVersion ?? GRAPH_VERSION);
    if (!metadata.ok) return withoutRefetch(metadata);
    const { info } = metadata;
    const maxBytes = opts.maxBytes ?? maxBytesFor(info.mimeType);
    if (info.byteSize > maxBytes) return permanent(`announced ${info.byteSize} bytes, over the ${maxBytes}-byte limit for ${info.mimeType}`);
    const outcome = await fetchIntoStore(info, { token, maxBytes, timeoutMs: deps.config.meta.timeoutMs }, store, opts);
    if (outcome.ok || !outcome.refetch) return outcome.ok ? outcome : withoutRefetch(outcome);
    failure = outcome;
  }
  return withoutRefetch(failure as MediaFailure);
}

/** Streams the file at `info.url` into the store; never holds more than the sniffing sample. */
async function fetchIntoStore(
  info: MetaMediaInfo,
  limits: { token: string; maxBytes: number; timeoutMs: number },
  store: BlobStore,
  { dispatcher, signal, onHost }: Pick<DownloadOptions, 'dispatcher' | 'signal' | 'onHost'>,
): Promise<MediaDownloaded | MediaFailure> {
  let response: Dispatcher.ResponseData;
  onHost?.(new URL(info.url).host);
  try {
    // bodyTimeout bounds the silence between chunks; `signal` (the worker's deadline) the whole transfer.
    response = await request(info.url, {
      method: 'GET',
      headers: { authorization: `Bearer ${limits.token}` },
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
      ...(dispatcher ? { dispatcher } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    const failure = classifyNetworkError(err);
    if (failure) return atHost(info.url, failure);
    throw err;
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    await response.body.dump();
    return atHost(info.url, classifyDownloadStatus(response.statusCode));
  }
  try {
    return await storeResponseBody(response.body, { mimeType: info.mimeType, sha256: info.sha256, byteSize: info.byteSize, maxBytes: limits.maxBytes }, store);
  } finally {
    response.body.destroy();
  }
}

function withoutRefetch(failure: MediaFailure): Omit<MediaFailure, 'refetch'> {
  const { refetch: _refetch, ...rest } = failure;
  return rest;
}
