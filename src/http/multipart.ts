/** One part of a `multipart/form-data` body (RFC 7578). */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Why a body could not be read as multipart. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

/** The boundary parameter of a `multipart/form-data` content type, quoted or not. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Splits a buffered `multipart/form-data` body into parts (RFC 7578 / RFC 2046 §5.1.1). Small
 * on purpose: the media upload (meta-cloud-api.md §3) needs fields and one file, not streaming;
 * the simulator reads uploads with it, the gateway keeps a copy of what it forwards.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new MultipartError('the body does not contain the boundary');
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString('latin1') === '--') return parts;
    position = skipLineBreak(body, position);
    const headerEnd = body.indexOf('\r\n\r\n', position, 'latin1');
    if (headerEnd < 0) throw new MultipartError('a part has no header end');
    const headers = parseHeaders(body.subarray(position, headerEnd).toString('utf8'));
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), dataStart);
    if (next < 0) throw new MultipartError('the body ends before the closing boundary');
    parts.push(toPart(headers, body.subarray(dataStart, next)));
    position = next + 2;
  }
}

function skipLineBreak(body: Buffer, position: number): number {
  // Transport padding (spaces/tabs) may precede the CRLF after a delimiter.
  let at = position;
  while (body[at] === 0x20 || body[at] === 0x09) at++;
  if (body[at] !== 0x0d || body[at + 1] !== 0x0a) throw new MultipartError('a delimiter is not followed by a line break');
  return at + 2;
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function toPart(headers: Map<string, string>, data: Buffer): MultipartPart {
  const disposition = headers.get('content-disposition') ?? '';
  const name = dispositionParam(disposition, 'name');
  if (!/^form-data\b/i.test(disposition) || name === undefined) throw new MultipartError('a part has no form-data name');
  const filename = dispositionParam(disposition, 'filename');
  const contentType = headers.get('content-type');
  // A view of the body, not a copy: a file part is most of a body of up to 100 MB.
  return { name, ...(filename !== undefined ? { filename } : {}), ...(contentType ? { contentType } : {}), data };
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const match = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(disposition);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}
