/**
 * PostgreSQL cannot hold U+0000: a text value with one fails (`invalid byte sequence for encoding
 * "UTF8": 0x00`) and so does a JSONB document with a `\u0000` escape. Customers can send it, and
 * Meta retries a payload we refuse for days, so every string crosses the PostgreSQL wire through
 * one reversible escape, here and nowhere else: parameters are encoded on the way in, row strings
 * and JSON(B) documents decoded on the way out (db/connect.ts, prepared-statements.ts,
 * postgres-reader.ts). Stores and domain code never see it, and SQLite, which holds both, stores
 * everything as it is.
 *
 * The escape uses U+FFFF, a Unicode noncharacter no real text carries, followed by a digit:
 *   U+0000 → U+FFFF '0',   U+FFFF → U+FFFF '1',   the six characters `\u0000` → U+FFFF '2',
 *   the escape `\uD800`…`\uDFFF` → U+FFFF '3' and its four hex digits,
 *   a lone surrogate character → U+FFFF '4' and its four hex digits.
 * The escaped forms are what make JSON documents storable: JSON.stringify writes a NUL as `\u0000`
 * and a lone surrogate as `\udXXX`, both of which JSONB refuses; a backslash that is itself
 * escaped (`\\`) is skipped as a pair, so only a real escape is replaced and the document stays
 * valid JSON. (A lone surrogate in a text value would otherwise be stored as U+FFFD, silently.)
 * Encoding is a substitution, so equality and prefix matches on encoded values still mean what
 * they meant (only values holding these rare sequences change at all), and decoding restores
 * every string exactly.
 */
const ESCAPE = '\uffff';
// eslint-disable-next-line no-control-regex -- the NUL character is the point
const NEEDS_ENCODING = /[\u0000\uffff\ud800-\udfff]|\\u0000|\\u[dD][89a-fA-F]/;
// eslint-disable-next-line no-control-regex -- the NUL character is the point
const ENCODE = /\\\\|\\u0000|\\u([dD][89a-fA-F][0-9a-fA-F]{2})|\u0000|\uffff|[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g;
const DECODE = /\uffff(?:([012])|([34])([0-9a-fA-F]{4}))/g;
const DECODED = ['\u0000', ESCAPE, '\\u0000'] as const;

export function encodeForPostgres(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  return value.replace(ENCODE, (match, escaped: string | undefined) => {
    if (match === '\\\\' || match.length === 2) return match; // an escaped backslash, or a valid surrogate pair
    if (match === '\u0000') return `${ESCAPE}0`;
    if (match === ESCAPE) return `${ESCAPE}1`;
    if (match === '\\u0000') return `${ESCAPE}2`;
    if (escaped !== undefined) return `${ESCAPE}3${escaped}`;
    return `${ESCAPE}4${match.charCodeAt(0).toString(16)}`;
  });
}

export function decodeFromPostgres(value: string): string {
  if (!value.includes(ESCAPE)) return value;
  return value.replace(DECODE, (_match, digit: string | undefined, kind: string | undefined, hex: string | undefined) => {
    if (digit !== undefined) return DECODED[Number(digit)] ?? '';
    return kind === '3' ? `\\u${hex}` : String.fromCharCode(parseInt(hex ?? '0', 16));
  });
}

/** Query parameters as they must reach PostgreSQL: strings (and arrays of them) encoded. */
export function encodeParameters(values: readonly unknown[]): unknown[] {
  return values.map(encodeParameter);
}

function encodeParameter(value: unknown): unknown {
  if (typeof value === 'string') return encodeForPostgres(value);
  if (Array.isArray(value)) return value.map(encodeParameter);
  return value;
}

/** Decodes the string columns (and string arrays) of result rows in place; JSON(B) is decoded by its type parser. */
export function decodeRows<Row>(rows: Row[]): Row[] {
  for (const row of rows as Array<Record<string, unknown>>) {
    for (const key in row) {
      const value = row[key];
      if (typeof value === 'string') {
        if (value.includes(ESCAPE)) row[key] = decodeFromPostgres(value);
      } else if (Array.isArray(value)) {
        row[key] = value.map((item: unknown) => (typeof item === 'string' ? decodeFromPostgres(item) : item));
      }
    }
  }
  return rows;
}

/**
 * The JSON and JSONB type parser: the document as stored, decoded, then parsed. Inside a document
 * a NUL or a lone surrogate can only be written as an escape, whichever way it was stored.
 */
export function parseJsonFromPostgres(text: string): unknown {
  if (!text.includes(ESCAPE)) return JSON.parse(text);
  return JSON.parse(
    text.replace(DECODE, (_match, digit: string | undefined, _kind: string | undefined, hex: string | undefined) => {
      if (digit === '1') return ESCAPE;
      return digit !== undefined ? '\\u0000' : `\\u${hex}`;
    }),
  );
}
