import { createHash } from 'node:crypto';
import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import type { SimMedia, SimNumber } from '../state.ts';
import { announcedMetadata, failIfScripted } from './media-faults.ts';
import { mediaRuleFor, supportedMimeTypes } from './media-rules.ts';

const dayMs = 24 * 60 * 60 * 1000;
const MEDIA_KINDS: ReadonlySet<string> = new Set(['image', 'video', 'audio', 'document', 'sticker']);
/** Uploaded media ids live 30 days; media ids from webhooks 7 days (§3). */
export const uploadLifetimeMs = 30 * dayMs;
export const inboundLifetimeMs = 7 * dayMs;

/** One part of an upload (RFC 7578): a field has no filename; a file, its bytes whole. */
export interface UploadPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Keeps a file and gives it a fresh media id. */
export function storeMedia(ctx: SimContext, input: { phoneNumberId: string; data: Buffer; mimeType: string; filename?: string; lifetimeMs: number }): SimMedia {
  const now = ctx.now();
  const media: SimMedia = {
    id: ctx.ids.mediaId(),
    phoneNumberId: input.phoneNumberId,
    mimeType: input.mimeType,
    data: input.data,
    sha256Hex: createHash('sha256').update(input.data).digest('hex'),
    ...(input.filename !== undefined ? { filename: input.filename } : {}),
    createdAtMs: now,
    expiresAtMs: now + input.lifetimeMs,
  };
  ctx.state.media.set(media.id, media);
  return media;
}

/**
 * `POST /{phone_number_id}/media` (§3): `messaging_product=whatsapp` and a `file` part are
 * required; the MIME type is the `type` field, else the file part's own content type (the
 * guide's curl example sets only the latter). Unsupported types and oversize files → code 100.
 * A `type` that names a kind (`image`, `document`…), as Kapso's inbox sends it, leaves the MIME
 * type to the file part, which must then be of that kind (kapso-api.md §6.4.1).
 */
export function uploadMedia(ctx: SimContext, number: SimNumber, parts: UploadPart[]): { id: string } {
  const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8');
  const product = field('messaging_product');
  if (product === undefined) throw simErrors.invalidParameter('The parameter messaging_product is required.');
  if (product !== 'whatsapp') throw simErrors.invalidParameter(`Param messaging_product must be one of {whatsapp} - got "${product}".`);
  const file = parts.find((p) => p.name === 'file');
  if (!file) throw simErrors.invalidParameter('The parameter file is required.');
  const typeField = field('type');
  const kind = typeField !== undefined && MEDIA_KINDS.has(typeField) ? typeField : undefined;
  const mimeType = (kind === undefined ? typeField : undefined) ?? file.contentType ?? 'application/octet-stream';
  const rule = mediaRuleFor(mimeType);
  if (!rule) {
    throw simErrors.invalidParameter(`Param file must be a file with one of the following types: ${supportedMimeTypes.join(', ')}. Received file of type '${mimeType}'.`);
  }
  if (kind !== undefined && rule.kind !== kind) {
    throw simErrors.invalidParameter(`Param type is ${kind} but the file is of type '${mimeType}' (${rule.kind}).`);
  }
  if (file.data.length > rule.maxBytes) {
    throw simErrors.invalidParameter(`Param file must be at most ${rule.maxBytes} bytes for ${rule.kind} media; received ${file.data.length} bytes.`);
  }
  const media = storeMedia(ctx, { phoneNumberId: number.phoneNumberId, data: file.data, mimeType, ...(file.filename ? { filename: file.filename } : {}), lifetimeMs: uploadLifetimeMs });
  return { id: media.id };
}

/** Media that exists and has not expired. */
export function findMedia(ctx: SimContext, id: string): SimMedia | undefined {
  const media = ctx.state.media.get(id);
  return media && media.expiresAtMs > ctx.now() ? media : undefined;
}

/**
 * A fresh download URL in the lookaside shape, valid for `mediaUrlTtlMs` (§3: 5 minutes); it
 * only works with a bearer token.
 */
export function issueDownloadUrl(ctx: SimContext, media: SimMedia, origin: string): string {
  const token = ctx.ids.urlToken();
  const expiresAtMs = ctx.now() + ctx.options.mediaUrlTtlMs;
  ctx.state.mediaUrls.set(token, { mediaId: media.id, expiresAtMs });
  return `${origin}/whatsapp_business/attachments/?mid=${media.id}&ext=${Math.floor(expiresAtMs / 1000)}&hash=${token}`;
}

/** `GET /{media_id}` (§3): `file_size` as a string, `sha256` as hex; scripted faults applied. */
export function mediaMetadata(ctx: SimContext, media: SimMedia, origin: string): Record<string, string> {
  failIfScripted(media, 'metadata');
  return announcedMetadata(media, {
    messaging_product: 'whatsapp',
    url: issueDownloadUrl(ctx, media, origin),
    mime_type: media.mimeType,
    sha256: media.sha256Hex,
    file_size: String(media.data.length),
    id: media.id,
  });
}

/** The media a download URL token points at, while the URL and the media are both alive. */
export function mediaForDownload(ctx: SimContext, token: string | undefined): SimMedia | undefined {
  const issued = token ? ctx.state.mediaUrls.get(token) : undefined;
  if (!issued || issued.expiresAtMs <= ctx.now()) return undefined;
  const media = findMedia(ctx, issued.mediaId);
  if (media) failIfScripted(media, 'download');
  return media;
}
