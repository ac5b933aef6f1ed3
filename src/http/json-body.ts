import type { FastifyInstance } from 'fastify';
import { errors } from './errors.ts';

/**
 * How deeply arrays and objects may nest in a JSON body. Meta's payloads and our API's bodies
 * nest about ten levels; a hostile body nests hundreds of thousands, which no JSON.parse needs to
 * see and which overflows the stack of whatever walks the value afterwards (zod, JSON.stringify).
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests deeper than `maxDepth`, by one pass over its bytes (strings skipped),
 * before anything parses it. Malformed text is left to the parser to refuse.
 */
export function nestsDeeperThan(json: Uint8Array | string, maxDepth = MAX_JSON_DEPTH): boolean {
  // A text shorter than the bound cannot nest past it.
  if (json.length <= maxDepth) return false;
  return typeof json === 'string' ? stringNestsDeeper(json, maxDepth) : bytesNestDeeper(json, maxDepth);
}

/**
 * The walk over bytes: a string is skipped to its closing quote with indexOf (native, and most of
 * a webhook's bytes are message text), rather than looked at byte by byte.
 */
function bytesNestDeeper(json: Uint8Array, maxDepth: number): boolean {
  const length = json.length;
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const c = json[i] as number;
    if (c === QUOTE) i = closingQuote(json, i);
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** The index of the quote closing the string opened at `open` (the length when it is unclosed). */
function closingQuote(json: Uint8Array, open: number): number {
  let at = open;
  for (;;) {
    at = json.indexOf(QUOTE, at + 1);
    if (at === -1) return json.length;
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    while (json[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

function stringNestsDeeper(json: string, maxDepth: number): boolean {
  const length = json.length;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** Parses a webhook or API body whose nesting is bounded; a bad or too-deep body is a 400 in the envelope. */
export function parseBoundedJson(raw: Buffer | string): unknown {
  if (nestsDeeperThan(raw)) throw errors.invalidJson(`The JSON nests deeper than ${MAX_JSON_DEPTH} levels.`);
  try {
    return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw errors.invalidJson();
  }
}

/**
 * Fastify's JSON body parser (prototype-poisoning checks and all), behind the same depth bound:
 * a 400,000-deep send body would otherwise reach validation and JSON.stringify.
 */
export function installBoundedJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string)) {
      done(errors.invalidJson(`The JSON nests deeper than ${MAX_JSON_DEPTH} levels.`), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
