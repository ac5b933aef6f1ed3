/**
 * `kapso.content` of media messages (kapso-api.md §2.3). Pure. Kapso's markers are kept as they
 * are: the inbox recognises and strips `Image attached`, `[Audio attached]` and ` URL: `.
 */
export const MEDIA_LABELS: Readonly<Record<string, string>> = {
  image: 'Image attached',
  video: 'Video attached',
  document: 'Document attached',
  sticker: 'Sticker attached',
  // Kapso brackets the audio marker; the inbox strips these prefixes before display (§2.3).
  audio: '[Audio attached]',
};

/** What the content of a stored file shows. */
export interface StoredFile {
  filename: string;
  byteSize: number;
  contentType: string;
  url: string;
}

/**
 * §2.3 for a stored file: `<caption> Image attached (<filename>) [Size: 47.1 KB | Type:
 * image/jpeg] URL: <media_url>`; audio as `[Audio attached] (<filename>) [Size: … | Type: …]
 * URL: …`. The size is in KB with one decimal, as in every example.
 */
export function storedMediaContent(type: string, caption: string | undefined, file: StoredFile): string {
  const parts = [
    caption,
    MEDIA_LABELS[type] ?? 'Media attached',
    `(${file.filename})`,
    `[Size: ${(file.byteSize / 1024).toFixed(1)} KB | Type: ${file.contentType}]`,
    `URL: ${file.url}`,
  ];
  return parts.filter((part) => part !== undefined && part !== '').join(' ');
}
