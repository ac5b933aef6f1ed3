/**
 * The Content-Disposition header of a served file (RFC 6266): `inline` or `attachment`, the
 * original file name as a quoted ASCII fallback and, when it is not plain ASCII, as
 * `filename*=UTF-8''…` (RFC 8187), which every current browser prefers. Pure.
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string | null): string {
  const name = cleanFilename(filename);
  if (name === '') return kind;
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  if (fallback === name) return `${kind}; filename="${name}"`;
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** Drops what a file name must not carry into a header or a save dialog: controls, folders. */
function cleanFilename(filename: string | null): string {
  const base = (filename ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
}

/** Percent-encodes UTF-8 except RFC 8187's attr-chars. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
