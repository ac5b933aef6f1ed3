import { errors } from '../http/errors.ts';
import type { ByteRange } from '../blobs/blob-store.ts';
import { dispositionFor } from './content-type.ts';
import { contentDisposition } from './disposition.ts';
import { parseRange } from './range.ts';
import type { MediaUrlSigner } from '../crypto/signed-url.ts';
import type { ServableMedia } from './store.ts';

/** The request headers conditional and partial GETs read. */
export interface MediaRequestHeaders {
  range?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifRange?: string | undefined;
}

/** What to answer: status, headers and, unless it is a 304 or a HEAD, which bytes to stream. */
export interface MediaResponsePlan {
  status: 200 | 206 | 304;
  headers: Record<string, string>;
  /** Absent for the whole file. */
  range?: ByteRange;
  sendBody: boolean;
}

/**
 * Lets a `/media/{id}` request through only with a signature this gateway issued for that id,
 * not yet expired (403 in Meta's envelope otherwise). The signature is the credential: browsers
 * load these URLs with no API key.
 */
export function authorizeMediaUrl(signer: MediaUrlSigner, id: string, query: { expires?: string | undefined; signature?: string | undefined }, nowMs: number): number {
  const check = signer.verify(id, query.expires, query.signature, nowMs);
  if (check === 'invalid') throw errors.mediaUrlInvalid();
  if (check === 'expired') throw errors.mediaUrlExpired();
  return Number(query.expires);
}

/**
 * Plans the answer to a GET or HEAD of a stored file (pure): 304 when the client holds this
 * version (the ETag is the SHA-256, so it never changes for an id), 206 for one satisfiable
 * byte range, 416 (thrown) for an unsatisfiable one, 200 otherwise.
 */
export function planMediaResponse(media: ServableMedia, request: MediaRequestHeaders & { head: boolean }, cacheSeconds: number): MediaResponsePlan {
  const etag = `"${media.sha256}"`;
  const caching = { etag, 'cache-control': `private, max-age=${Math.max(0, cacheSeconds)}` };
  if (request.ifNoneMatch !== undefined && matchesEtag(request.ifNoneMatch, etag)) {
    return { status: 304, headers: caching, sendBody: false };
  }
  const headers: Record<string, string> = {
    ...caching,
    'content-type': media.contentType,
    'accept-ranges': 'bytes',
    'content-disposition': contentDisposition(dispositionFor(media.contentType), media.filename),
    'x-content-type-options': 'nosniff',
  };
  // If-Range names the version the client's partial copy belongs to; another one gets it all.
  const rangeHeader = request.ifRange === undefined || request.ifRange === etag ? request.range : undefined;
  const range = parseRange(rangeHeader, media.byteSize);
  if (range.kind === 'unsatisfiable') throw errors.rangeNotSatisfiable(media.byteSize);
  if (range.kind === 'none') {
    return { status: 200, headers: { ...headers, 'content-length': String(media.byteSize) }, sendBody: !request.head };
  }
  return {
    status: 206,
    headers: { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${media.byteSize}` },
    range: { start: range.start, end: range.end },
    sendBody: !request.head,
  };
}

/** `If-None-Match`: `*` or a list of (possibly weak) tags, compared weakly (RFC 9110 §13.1.2). */
function matchesEtag(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
