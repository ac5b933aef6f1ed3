import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { sniffContentType, SNIFF_BYTES } from './content-type.ts';
import { MEDIA_KINDS, mediaKindOf } from './limits.ts';
import type { UploadPart } from './receive-upload.ts';
import { insertStoredUpload } from './store.ts';

type FilePart = Extract<UploadPart, { kind: 'file' }>;
type FieldPart = Extract<UploadPart, { kind: 'field' }>;

/** The upload's file and what it claims to be: `type` when it is a MIME type, else the part's own. */
export function uploadedFileOf(parts: readonly UploadPart[]): { file: FilePart; mimeType: string; kind: string | null } | undefined {
  const file = parts.find((p): p is FilePart => p.kind === 'file' && p.name === 'file');
  if (!file) return undefined;
  const type = parts.find((p): p is FieldPart => p.kind === 'field' && p.name === 'type')?.value.trim();
  const mimeType = (type !== undefined && !MEDIA_KINDS.has(type) ? type : undefined) ?? file.contentType;
  const kind = type !== undefined && MEDIA_KINDS.has(type) ? type : (mediaKindOf(mimeType) ?? null);
  return { file, mimeType, kind };
}

/**
 * Keeps a copy of a file uploaded through the gateway once Meta accepted it (its media id
 * known): `GET /{media_id}` then answers from the copy, and a message sent with the id shows
 * the file at once (the worker reuses the copy). Best effort: a copy that cannot be kept is
 * logged, and the file is mirrored from Meta when a message uses it, as for any media id.
 */
export async function keepUploadedMedia(deps: Deps, number: PhoneNumberRow, parts: readonly UploadPart[], metaMediaId: string): Promise<void> {
  try {
    const upload = uploadedFileOf(parts);
    if (!upload) return;
    const blob = await deps.blobs.put(createReadStream(upload.file.path));
    const sniffed = await sniffContentType(await readHead(upload.file.path, SNIFF_BYTES), upload.mimeType);
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

/** The first `bytes` of a file (fewer if it is shorter). */
async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
