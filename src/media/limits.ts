/**
 * Meta's media types and size limits (meta-cloud-api.md §3; kapso-api.md §6.4.1). Pure. A file
 * of a known type may not exceed its kind's limit; anything else is held to the 100 MB cap of
 * inbound user media (131052 beyond).
 */
const KB = 1024;
const MB = 1024 * KB;

/** Meta refuses inbound user media beyond this (error 131052). */
export const MAX_MEDIA_BYTES = 100 * MB;

export type MediaKind = 'audio' | 'document' | 'image' | 'sticker' | 'video';

/** The message types whose object names a media file, which are also the kinds an upload's `type` may name. */
export const MEDIA_KINDS: ReadonlySet<string> = new Set<MediaKind>(['audio', 'document', 'image', 'sticker', 'video']);

const rules: readonly { kind: MediaKind; types: readonly string[]; maxBytes: number }[] = [
  { kind: 'audio', types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
  {
    kind: 'document',
    types: [
      'text/plain',
      'application/pdf',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
  },
  { kind: 'image', types: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  // Animated stickers may reach 500 KB (static ones 100 KB); the MIME type alone does not say which.
  { kind: 'sticker', types: ['image/webp'], maxBytes: 500 * KB },
  { kind: 'video', types: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
];

/** `Image/JPEG; charset=x` → `image/jpeg`. */
export function baseMimeType(mimeType: string): string {
  return (mimeType.split(';')[0] ?? '').trim().toLowerCase();
}

/** The WhatsApp media kind of a MIME type, if it is one WhatsApp supports. */
export function mediaKindOf(mimeType: string): MediaKind | undefined {
  const base = baseMimeType(mimeType);
  return rules.find((r) => r.types.includes(base))?.kind;
}

/** The largest file accepted for a MIME type: its kind's limit, else the 100 MB cap. */
export function maxBytesFor(mimeType: string | null | undefined): number {
  const base = mimeType ? baseMimeType(mimeType) : '';
  return rules.find((r) => r.types.includes(base))?.maxBytes ?? MAX_MEDIA_BYTES;
}

/** The largest file of a WhatsApp media kind: what a file fetched from a `link` is held to. */
export function maxBytesForKind(kind: string): number {
  return rules.find((r) => r.kind === kind)?.maxBytes ?? MAX_MEDIA_BYTES;
}
