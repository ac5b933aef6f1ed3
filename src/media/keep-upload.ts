import { Readable } from 'node:stream';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { type MultipartPart, multipartBoundary, parseMultipart } from '../http/multipart.ts';
import { sniffContentType, SNIFF_BYTES } from './content-type.ts';
import { MEDIA_KINDS, mediaKindOf } from './limits.ts';
import { insertStoredUpload } from './store.ts';

/** The upload's file and what it claims to be: `type` when it is a MIME type, else the part's own. */
export function uploadedFileOf(parts: readonly MultipartPart[]): { file: MultipartPart; mimeType: string; kind: string | null } | undefined {
  const file = parts.find((p) => p.name === 'file');
  if (!file) return undefined;
  const type = parts.find((p) => p.name === 'type' && p.filename === undefined)?.data.toString('utf8').trim();
  const mimeType = (type !== undefined && !MEDIA_KINDS.has(type) ? type : undefined) ?? file.contentType ?? 'application/octet-stream';
  const kind = type !== undefined && MEDIA_KINDS.has(type) ? type : (mediaKindOf(mimeType) ?? null);
  return { file, mimeType, kind };
}

/**
 * Keeps a copy of a file uploaded through the gateway once Meta accepted it (its media id
 * known): `GET /{media_id}` then answers from the copy, and a message sent with the id shows
 * the file at once (the worker reuses the copy). Best effort: a copy that cannot be kept is
 * logged, and the file is mirrored from Meta when a message uses it, as for any media id.
 */
export async function keepUploadedMedia(deps: Deps, number: PhoneNumberRow, contentType: string | undefined, body: Buffer, metaMediaId: string): Promise<void> {
  try {
    const boundary = multipartBoundary(contentType);
    if (!boundary) return;
    const upload = uploadedFileOf(parseMultipart(body, boundary));
    if (!upload) return;
    const blob = await deps.blobs.put(Readable.from([upload.file.data]));
    const sniffed = await sniffContentType(upload.file.data.subarray(0, SNIFF_BYTES), upload.mimeType);
    await insertStoredUpload(
      deps.database.db,
      {
        projectId: number.project_id,
        phoneNumberId: number.id,
        metaMediaId,
        kind: upload.kind,
        mimeType: upload.mimeType,
        filename: upload.file.filename ?? null,
        stored: { storageKey: blob.key, sha256: blob.sha256, byteSize: blob.byteSize, contentType: sniffed },
      },
      deps.clock.now(),
    );
  } catch (err) {
    deps.log.warn({ err, metaMediaId }, 'keeping a copy of an upload failed; it is mirrored from Meta when a message uses it');
  }
}
