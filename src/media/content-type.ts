import { baseMimeType, mediaKindOf } from './limits.ts';

/**
 * What a stored file is served as. Meta announces a MIME type; the bytes are checked against it
 * (file-type's magic numbers). A file whose bytes disagree with its announced type (a "JPEG"
 * that is an HTML page) is served as application/octet-stream and as an attachment, so the
 * gateway's origin never renders content a sender disguised.
 */

export const OCTET_STREAM = 'application/octet-stream';

/** How many leading bytes sniffing needs (enough for Office files' zip directory entries). */
export const SNIFF_BYTES = 64 * 1024;

const OOXML = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
];
const LEGACY_OFFICE = ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint'];
// One container (ISO base media), several brands: phones label the same file either way.
const ISO_MEDIA = ['video/mp4', 'video/3gpp', 'audio/mp4', 'audio/aac'];

/** Announced types the detected format may honestly carry, beyond its own name. */
const compatible: Record<string, readonly string[]> = {
  'audio/ogg; codecs=opus': ['audio/ogg', 'audio/opus'],
  'audio/ogg': ['audio/opus'],
  'application/ogg': ['audio/ogg', 'audio/opus'],
  'video/mp4': ISO_MEDIA,
  'video/3gpp': ISO_MEDIA,
  'video/3gpp2': ISO_MEDIA,
  'audio/mp4': ISO_MEDIA,
  'audio/x-m4a': ISO_MEDIA,
  'video/x-m4v': ISO_MEDIA,
  'video/quicktime': ['video/mp4'],
  'application/x-cfb': LEGACY_OFFICE,
  'application/zip': OOXML,
  ...Object.fromEntries(OOXML.map((t) => [t, OOXML])),
};

/** Types a browser may render in place: media players and images, never markup or documents that script. */
const INLINE = new Set(['image/jpeg', 'image/png', 'image/webp', 'audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg', 'video/mp4', 'video/3gpp', 'application/pdf']);

const TOKEN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * The content type to serve for a file that starts with `head` and was announced as `announced`:
 * the announced type (without parameters) when the bytes are that kind of file, else
 * application/octet-stream. Plain text has no signature: it passes when the bytes hold no NUL.
 */
export async function sniffContentType(head: Uint8Array, announced: string | null | undefined): Promise<string> {
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = (await fileTypeFromBuffer(head))?.mime;
  return decideContentType(detected, announced, head);
}

/** The decision of sniffContentType, given what file-type detected (pure). */
export function decideContentType(detected: string | undefined, announced: string | null | undefined, head: Uint8Array): string {
  const claimed = announced ? baseMimeType(announced) : '';
  const claimedValid = TOKEN.test(claimed);
  if (detected !== undefined) {
    if (!claimedValid) return mediaKindOf(detected) ? baseMimeType(detected) : OCTET_STREAM;
    return detected === claimed || compatible[detected]?.includes(claimed) ? claimed : OCTET_STREAM;
  }
  return claimed === 'text/plain' && !head.includes(0) ? 'text/plain' : OCTET_STREAM;
}

/** Whether a served type may be shown in the browser (`inline`) or must be downloaded. */
export function dispositionFor(contentType: string): 'inline' | 'attachment' {
  return INLINE.has(baseMimeType(contentType)) ? 'inline' : 'attachment';
}
