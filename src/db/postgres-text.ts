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
 *   U+0000 → U+FFFF '0',   U+FFFF → U+FFFF '1',   the six characters `\u0000` → U+FFFF '2'.
 * The third rule is what makes JSON documents storable: JSON.stringify writes a NUL as the escape
 * `\u0000`, which JSONB refuses; a backslash that is itself escaped (`\\`) is skipped as a pair,
 * so only a real escape is replaced and the document stays valid JSON. Encoding is character by
 * character, so equality and prefix matches on encoded values still mean what they meant (only
 * values holding these rare sequences change at all), and decoding restores every string exactly.
 */
const ESCAPE = '\uffff';
// eslint-disable-next-line no-control-regex -- the NUL character is the point
const NEEDS_ENCODING = /[\u0000\uffff]|\\u0000/;
// eslint-disable-next-line no-control-regex -- the NUL character is the point
const ENCODE = /\\\\|\\u0000|\u0000|\uffff/g;
const DECODE = /\uffff([012])/g;
const DECODED = ['\u0000', ESCAPE, '\\u0000'] as const;

export function encodeForPostgres(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  return value.replace(ENCODE, (match) => {
    if (match === '\\\\') return match;
    if (match === '\u0000') return `${ESCAPE}0`;
    if (match === ESCAPE) return `${ESCAPE}1`;
    return `${ESCAPE}2`;
  });
}

export function decodeFromPostgres(value: string): string {
  if (!value.includes(ESCAPE)) return value;
  return value.replace(DECODE, (_match, digit: string) => DECODED[Number(digit)] ?? '');
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
 * a NUL can only be written as the escape (a raw one would not parse), whichever way it was stored.
 */
export function parseJsonFromPostgres(text: string): unknown {
  if (!text.includes(ESCAPE)) return JSON.parse(text);
  return JSON.parse(text.replace(DECODE, (_match, digit: string) => (digit === '1' ? ESCAPE : '\\u0000')));
}
