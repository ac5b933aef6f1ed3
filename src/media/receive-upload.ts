import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { errors, GraphError } from '../http/errors.ts';
import { MAX_MEDIA_BYTES } from './limits.ts';

/**
 * What one upload may hold (meta-cloud-api.md §3: the fields `messaging_product` and `type`, one
 * `file`). Only fields are held in memory, so they are few and short; the file is spooled to disk.
 */
export const UPLOAD_LIMITS = { fileSize: MAX_MEDIA_BYTES, files: 1, fields: 16, fieldSize: 64 * 1024 };

export type UploadPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; name: string; filename: string | undefined; contentType: string; path: string };

/** An upload as received: its parts in order, the file's bytes in a temporary file that `remove` deletes. */
export interface ReceivedUpload {
  parts: UploadPart[];
  remove(): Promise<void>;
}

/**
 * Reads a multipart upload (registered @fastify/multipart), streaming its file part to a file of
 * its own (0600) in `dir`. A file past MAX_MEDIA_BYTES fails at that byte (413); a body that is
 * not readable multipart fails as Meta's invalid parameter. On any failure the temporary file is
 * removed and the rest of the body is discarded unread, as Fastify does past a body limit.
 */
export async function receiveUpload(request: FastifyRequest, dir: string): Promise<ReceivedUpload> {
  const parts: UploadPart[] = [];
  let path: string | undefined;
  const remove = async () => {
    if (path !== undefined) await rm(path, { force: true });
  };
  try {
    for await (const part of request.parts({ limits: UPLOAD_LIMITS })) {
      if (part.type === 'field') {
        if (part.valueTruncated) throw errors.invalidParameter(part.fieldname, `Field '${part.fieldname}' is longer than ${UPLOAD_LIMITS.fieldSize} bytes.`);
        // A part sent as application/json arrives parsed: forwarded as JSON text again.
        parts.push({ kind: 'field', name: part.fieldname, value: typeof part.value === 'string' ? part.value : JSON.stringify(part.value) });
        continue;
      }
      await mkdir(dir, { recursive: true, mode: 0o700 });
      path = join(dir, randomUUID());
      await spool(part, path);
      parts.push({ kind: 'file', name: part.fieldname, filename: part.filename || undefined, contentType: part.mimetype, path });
    }
    return { parts, remove };
  } catch (err) {
    await remove();
    request.raw.unpipe();
    request.raw.resume();
    throw asUploadError(err);
  }
}

async function spool(part: MultipartFile, path: string): Promise<void> {
  // Busboy stops the file at the limit and reads on to the next part; failing here answers at once.
  part.file.once('limit', () => part.file.destroy(errors.fileTooLarge(UPLOAD_LIMITS.fileSize)));
  await pipeline(part.file, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
}

/** Our errors and the disk's (Node's carry `syscall`) as they are; the parser's, a bad request. */
function asUploadError(err: unknown): unknown {
  if (err instanceof GraphError || typeof (err as { syscall?: unknown } | null)?.syscall === 'string') return err;
  if ((err as { code?: unknown } | null)?.code === 'FST_REQ_FILE_TOO_LARGE') return errors.fileTooLarge(UPLOAD_LIMITS.fileSize);
  const reason = err instanceof Error ? err.message : String(err);
  return errors.invalidParameter('file', `The multipart body could not be read: ${reason}.`);
}
