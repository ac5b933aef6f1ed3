import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { errors } from './errors.ts';

/**
 * Opaque, tamper-evident keyset cursors for the history lists (kapso-api.md §3). A cursor is the
 * sort key of one row, `base64url(JSON(key)) "." base64url(HMAC)`. The MAC also covers the list
 * and the scope (project and phone number) it was issued for, so a cursor edited by hand, or
 * carried to another list, number or project, fails verification: it can never select rows the
 * caller could not reach by paging honestly. The key values are not secret, only unforgeable.
 */

/** A row's position in its list: the sort key, most significant column first. */
export type CursorKey = readonly (number | string)[];

/** The type of each column of a list's sort key, checked again after the MAC verifies. */
export type KeyShape = readonly ('int' | 'string')[];

/** Where a page starts: the newest rows, or strictly older (`after`) or newer (`before`) than a row. */
export type PageStart<K extends CursorKey = CursorKey> = { kind: 'first' } | { kind: 'after' | 'before'; key: K };

export interface CursorCodec {
  encode(binding: string, key: CursorKey): string;
  /** The key, or null for anything this codec did not issue for this binding. */
  decode(binding: string, token: string, shape: KeyShape): CursorKey | null;
}

const MAC_BYTES = 16;
const MAX_TOKEN_LENGTH = 512;
const MAX_STRING_LENGTH = 128;
const TOKEN = /^[A-Za-z0-9_-]{1,480}\.[A-Za-z0-9_-]{22}$/;
// Bumped if the format changes: old cursors then fail as forged rather than misread.
const DOMAIN = 'switchboard-cursor-v1';

/** Derives the cursor key from the gateway secret (HKDF), so cursors never reuse the sealing key. */
export function deriveCursorKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', DOMAIN, 32));
}

/** A codec signing with `key` (32 bytes from deriveCursorKey). */
export function createCursorCodec(key: Uint8Array): CursorCodec {
  const mac = (binding: string, body: string) =>
    createHmac('sha256', key).update(`${DOMAIN}\n${binding}\n${body}`).digest().subarray(0, MAC_BYTES);
  return {
    encode(binding, sortKey) {
      const body = Buffer.from(JSON.stringify(sortKey)).toString('base64url');
      return `${body}.${mac(binding, body).toString('base64url')}`;
    },
    decode(binding, token, shape) {
      if (token.length > MAX_TOKEN_LENGTH || !TOKEN.test(token)) return null;
      const [body = '', signature = ''] = token.split('.');
      // Compared as text: base64 decoding ignores the spare bits of the last character, so two
      // spellings of one MAC would otherwise both verify.
      const expected = Buffer.from(mac(binding, body).toString('base64url'));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return keyOfShape(parseJson(Buffer.from(body, 'base64url').toString('utf8')), shape);
    },
  };
}

/** The scope a cursor is bound to: one list of one phone number of one project. */
export function cursorBinding(list: string, projectId: string, phoneNumberId: string): string {
  return `${list}\n${projectId}\n${phoneNumberId}`;
}

/**
 * Reads the `before`/`after` query parameters into a page start; a cursor that does not verify,
 * or both at once, answers 400 naming the parameter.
 */
export function readPageStart<K extends CursorKey>(
  codec: CursorCodec,
  binding: string,
  shape: KeyShape,
  query: { before?: string | undefined; after?: string | undefined },
): PageStart<K> {
  if (query.before !== undefined && query.after !== undefined) {
    throw errors.invalidParameter('before', "Parameters 'before' and 'after' cannot be combined.");
  }
  const kind = query.before !== undefined ? 'before' : query.after !== undefined ? 'after' : null;
  if (kind === null) return { kind: 'first' };
  const key = codec.decode(binding, (kind === 'before' ? query.before : query.after) ?? '', shape);
  if (key === null) throw errors.invalidParameter(kind, `Parameter '${kind}' is not a cursor issued by this list.`);
  // The shape check in decode is what makes this cast true.
  return { kind, key: key as K };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Only a well-formed key leaves the codec, even though only we can sign one. */
function keyOfShape(value: unknown, shape: KeyShape): CursorKey | null {
  if (!Array.isArray(value) || value.length !== shape.length) return null;
  const fits = value.every((v: unknown, i) =>
    shape[i] === 'int' ? Number.isSafeInteger(v) && (v as number) >= 0 : typeof v === 'string' && v.length <= MAX_STRING_LENGTH,
  );
  return fits ? (value as CursorKey) : null;
}
