import type { MediaRow, MediaState } from '../db/schema.ts';
import { baseMimeType, mediaKindOf } from './limits.ts';
import type { MediaUrlSigner } from '../crypto/signed-url.ts';

/** A message's media file as the message presenters show it (kapso-api.md §2.2). */
export interface MessageMedia {
  /** Ours, as in `/media/{id}`: `media_data.id`. */
  id: string;
  state: MediaState;
  /** A fresh signed URL once stored; null while pending or failed. */
  url: string | null;
  filename: string;
  /** As served (after the bytes were checked); null until stored. */
  contentType: string | null;
  byteSize: number | null;
  /** Why the last attempt failed: for good (`failed`) or for now (`pending`, retried). */
  failureReason: string | null;
}

/**
 * A media row as the presenters need it (pure: the signer and the clock are passed in). The
 * URL is signed on every read, so it is always valid for the configured lifetime; a file with
 * no name of its own (images, voice notes…) is named after its kind, our id and its type.
 */
export function messageMediaOf(row: MediaRow, signer: MediaUrlSigner, nowMs: number): MessageMedia {
  const stored = row.state === 'stored';
  return {
    id: row.id,
    state: row.state,
    url: stored ? signer.urlFor(row.id, nowMs).url : null,
    filename: row.filename ?? fallbackFilename(row),
    contentType: stored ? row.content_type : null,
    byteSize: stored && row.byte_size !== null ? Number(row.byte_size) : null,
    failureReason: row.failure_reason,
  };
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'text/plain': 'txt',
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

/** `image-1f2e3d4c.jpg`: the kind, the start of our id, the extension of the type served (else announced). */
function fallbackFilename(row: MediaRow): string {
  const type = baseMimeType(row.content_type ?? row.mime_type ?? '');
  const kind = row.kind ?? mediaKindOf(type) ?? 'file';
  return `${kind}-${row.id.slice(0, 8)}.${EXTENSIONS[type] ?? 'bin'}`;
}
