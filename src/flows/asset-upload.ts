import type { FastifyRequest } from 'fastify';
import { FormData } from 'undici';
import { errors, GraphError } from '../http/errors.ts';
import { FLOW_ASSET_TYPE, parsesAsJson } from './schemas.ts';

/**
 * The largest Flow JSON taken. Flow JSONs are a few KB to a few hundred KB; the file is held in
 * memory while it goes to Meta, so it is bounded well below the media upload's 100 MB.
 */
export const MAX_FLOW_JSON_BYTES = 4 * 1024 * 1024;

/** What @fastify/multipart may read of one asset upload: one file, the two named fields. */
export const ASSET_LIMITS = { fileSize: MAX_FLOW_JSON_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 6 };

/**
 * `POST /{flow_id}/assets` as Meta takes it (kapso-api.md §6.8): a `file` (the Flow JSON),
 * `name` and `asset_type=FLOW_JSON`, read within ASSET_LIMITS and rebuilt as a new form, so only
 * those three parts reach Meta. A file that is not JSON is refused here; whether it is a valid
 * Flow is Meta's call (`validation_errors`).
 */
export async function readFlowAsset(request: FastifyRequest): Promise<FormData> {
  if (!request.isMultipart()) throw errors.invalidParameter('file', 'Send the Flow JSON as multipart/form-data with the parts file, name and asset_type=FLOW_JSON.');
  let file: { data: Buffer; filename: string } | undefined;
  const fields = new Map<string, string>();
  try {
    for await (const part of request.parts({ limits: ASSET_LIMITS })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) throw errors.invalidParameter(part.fieldname, `Unknown file part '${part.fieldname}'; the Flow JSON goes in 'file'.`);
        file = { data: await part.toBuffer(), filename: part.filename || 'flow.json' };
        continue;
      }
      if (part.fieldname !== 'name' && part.fieldname !== 'asset_type') throw errors.invalidParameter(part.fieldname, `Unknown parameter ${part.fieldname}.`);
      if (fields.has(part.fieldname) || typeof part.value !== 'string' || part.valueTruncated) throw errors.invalidParameter(part.fieldname, `Parameter '${part.fieldname}' must be given once, as a short text.`);
      fields.set(part.fieldname, part.value);
    }
  } catch (err) {
    request.raw.unpipe();
    request.raw.resume();
    throw asAssetError(err);
  }
  return assetForm(file, fields);
}

function assetForm(file: { data: Buffer; filename: string } | undefined, fields: Map<string, string>): FormData {
  if (!file) throw errors.invalidParameter('file', 'The parameter file is required.');
  const name = fields.get('name');
  if (!name) throw errors.invalidParameter('name', 'The parameter name is required.');
  if (fields.get('asset_type') !== FLOW_ASSET_TYPE) throw errors.invalidParameter('asset_type', `Param asset_type must be "${FLOW_ASSET_TYPE}".`);
  if (!parsesAsJson(file.data.toString('utf8'))) throw errors.invalidParameter('file', 'The Flow JSON file is not valid JSON.');
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.data)], { type: 'application/json' }), file.filename);
  form.append('name', name);
  form.append('asset_type', FLOW_ASSET_TYPE);
  return form;
}

/** Our errors as they are; a file past the limit, 413; anything else the parser says, a bad request. */
function asAssetError(err: unknown): unknown {
  if (err instanceof GraphError) return err;
  if ((err as { code?: unknown } | null)?.code === 'FST_REQ_FILE_TOO_LARGE') return errors.payloadTooLarge(MAX_FLOW_JSON_BYTES);
  const reason = err instanceof Error ? err.message : String(err);
  return errors.invalidParameter('file', `The multipart body could not be read: ${reason}.`);
}
