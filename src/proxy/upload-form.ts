import { openAsBlob } from 'node:fs';
import { FormData } from 'undici';
import type { UploadPart } from '../media/receive-upload.ts';

/** The upload as Meta takes it: the same parts in the same order, the file read from disk as it is sent. */
export async function formOf(parts: readonly UploadPart[]): Promise<FormData> {
  const form = new FormData();
  for (const part of parts) {
    if (part.kind === 'field') form.append(part.name, part.value);
    else form.append(part.name, await openAsBlob(part.path, { type: part.contentType }), part.filename);
  }
  return form;
}

/** The `id` of Meta's answer to an upload (`{ "id": "…" }`), if it is one. */
export function uploadedMediaId(body: Buffer): string | undefined {
  try {
    const id = (JSON.parse(body.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}
