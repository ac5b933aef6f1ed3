import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { GraphError } from '../http/errors.ts';
import { graphPath, isGraphId } from '../graph/graph-path.ts';
import { graphOriginOf } from '../graph/graph-origin.ts';
import { classifyMetadataFailure, type MediaFailure, permanent, transient } from './failures.ts';

/** What `GET /{media-id}` says about a file (meta-cloud-api.md §3). */
export interface MetaMediaInfo {
  /** The download URL: valid 5 minutes, only with the bearer token. */
  url: string;
  mimeType: string;
  /** Hex; undefined when Meta's value is neither hex nor base64 of 32 bytes. */
  sha256: string | undefined;
  byteSize: number;
}

const metadataSchema = z.object({
  url: z.url(),
  mime_type: z.string().min(1).max(255),
  sha256: z.string().max(128).optional(),
  // A string in the current docs, a number in older examples: accept both.
  file_size: z.union([z.string().regex(/^\d{1,15}$/), z.number().int().nonnegative()]).transform(Number),
});

const errorSchema = z.object({ error: z.object({ code: z.number().int() }) });

/**
 * Asks the number's Graph origin (Meta, or the simulator for the sandbox) about a media id, with
 * the number's token and `phone_number_id`, so only that number's media answers.
 */
export async function fetchMetaMediaInfo(
  deps: Pick<Deps, 'config' | 'graph'>,
  number: PhoneNumberRow,
  token: string,
  metaMediaId: string,
  graphVersion: string,
): Promise<{ ok: true; info: MetaMediaInfo } | MediaFailure> {
  // Meta's media ids are digits; anything else (a client's send may carry any `id`) is no media
  // of Meta's and must not become part of a Graph path.
  if (!isGraphId(metaMediaId)) return permanent('media unavailable: not a Meta media id');
  let answer;
  try {
    answer = await deps.graph.call(graphOriginOf(deps, number), {
      method: 'GET',
      path: graphPath(graphVersion, [metaMediaId], { phone_number_id: number.id }),
      token,
    });
  } catch (err) {
    // The Graph client turns timeouts and unreachable hosts into 504/502 GraphErrors.
    if (err instanceof GraphError) return transient(`Graph API ${err.statusCode === 504 ? 'timed out' : 'unreachable'}`, err);
    throw err;
  }
  const body = parseJson(answer.body);
  if (answer.statusCode < 200 || answer.statusCode >= 300) {
    return classifyMetadataFailure(answer.statusCode, errorSchema.safeParse(body).data?.error.code);
  }
  const parsed = metadataSchema.safeParse(body);
  if (!parsed.success) return transient('GET /{media-id} answered metadata without url, mime_type or file_size');
  const { url, mime_type: mimeType, sha256, file_size: byteSize } = parsed.data;
  return { ok: true, info: { url, mimeType, sha256: sha256 === undefined ? undefined : hexSha256(sha256), byteSize } };
}

/**
 * Meta's `sha256` as hex. The Graph docs show hex, webhooks show base64 (meta-cloud-api.md §3),
 * so both are read; anything else is treated as absent.
 */
export function hexSha256(value: string): string | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return undefined;
  const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
