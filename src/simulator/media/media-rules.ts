/**
 * Supported media types and size limits (meta-cloud-api.md §3): the kind a MIME type belongs
 * to and the largest file of that kind. `audio/ogg` must be OPUS; WebP only as a sticker.
 */
const kb = 1024;
const mb = 1024 * 1024;

const rules: { kind: string; types: string[]; maxBytes: number }[] = [
  { kind: 'audio', types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * mb },
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
    maxBytes: 100 * mb,
  },
  { kind: 'image', types: ['image/jpeg', 'image/png'], maxBytes: 5 * mb },
  // Animated stickers may reach 500 KB (static ones 100 KB); the file alone does not say which.
  { kind: 'sticker', types: ['image/webp'], maxBytes: 500 * kb },
  { kind: 'video', types: ['video/mp4', 'video/3gpp'], maxBytes: 16 * mb },
];

/** Every accepted MIME type, for error details. */
export const supportedMimeTypes: string[] = rules.flatMap((r) => r.types);

/** The media kind and size limit of a MIME type (parameters such as `codecs` ignored). */
export function mediaRuleFor(mimeType: string): { kind: string; maxBytes: number } | undefined {
  const base = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  const rule = rules.find((r) => r.types.includes(base));
  return rule ? { kind: rule.kind, maxBytes: rule.maxBytes } : undefined;
}

/** The MIME type the simulator gives customer media of a message type when none is named. */
export function defaultMimeType(type: string, voice: boolean): string {
  if (type === 'audio') return voice ? 'audio/ogg; codecs=opus' : 'audio/mpeg';
  return { image: 'image/jpeg', video: 'video/mp4', document: 'application/pdf', sticker: 'image/webp' }[type] ?? 'application/octet-stream';
}
