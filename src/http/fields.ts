import { type GraphError, errors } from './errors.ts';

/**
 * The `fields` query parameter (kapso-api.md §2.1): `kapso(...)` chooses the Kapso extension keys,
 * every other token is a Graph-style field kept by its top-level name.
 */
export type KapsoSelection =
  | { kind: 'default' }
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'names'; names: ReadonlySet<string> };

/** A parsed `fields` value: the Kapso keys to render and the top-level Meta keys to keep (null: all). */
export interface FieldSelection {
  kapso: KapsoSelection;
  metaFields: ReadonlySet<string> | null;
}

/** The SDK's KAPSO_MESSAGE_FIELDS plus `origin` and `phone_number_id`, as §2.2 recommends. */
export const DEFAULT_MESSAGE_KAPSO_FIELDS = Object.freeze([
  'direction',
  'status',
  'processing_status',
  'phone_number',
  'has_media',
  'media_data',
  'media_url',
  'whatsapp_conversation_id',
  'contact_name',
  'message_type_data',
  'content',
  'flow_response',
  'flow_token',
  'flow_name',
  'order_text',
  'origin',
  'phone_number_id',
] as const);

const DEFAULT_SET: ReadonlySet<string> = new Set(DEFAULT_MESSAGE_KAPSO_FIELDS);
// §2.2: history and transcripts are heavy, so only `kapso(all)` or an explicit name brings them.
const ALL_SET: ReadonlySet<string> = new Set([...DEFAULT_MESSAGE_KAPSO_FIELDS, 'statuses', 'transcript']);

/** The Kapso keys one kind of record offers: what `default` and `all` stand for. */
export interface KapsoVocabulary {
  defaults: ReadonlySet<string>;
  all: ReadonlySet<string>;
}

/** Messages' vocabulary (§2.2), the default of every function here. */
export const MESSAGE_KAPSO_VOCABULARY: KapsoVocabulary = Object.freeze({ defaults: DEFAULT_SET, all: ALL_SET });

const MAX_LENGTH = 2_000;
const KAPSO_NAME = /^[a-z_]+$/;
const CLOSERS: Readonly<Record<string, string>> = { ')': '(', '}': '{' };

/**
 * Parses `fields` (already URL-decoded); throws Meta's invalid-parameter error when malformed.
 * `vocabulary` says what `default` and `all` expand to inside a name list (conversations differ).
 */
export function parseFields(raw: string | undefined, vocabulary: KapsoVocabulary = MESSAGE_KAPSO_VOCABULARY): FieldSelection {
  if (raw !== undefined && raw.length > MAX_LENGTH) throw malformed(`it is longer than ${MAX_LENGTH} characters`);
  // §2.4: no selector at all behaves like kapso(default).
  if (raw === undefined || raw.trim() === '') return { kapso: { kind: 'default' }, metaFields: null };

  let kapso: KapsoSelection | undefined;
  const metaFields = new Set<string>();
  for (const item of splitTopLevel(raw)) {
    const name = topLevelName(item);
    if (name !== 'kapso') {
      metaFields.add(name);
      continue;
    }
    // Two selectors could only be merged by guessing which one the client meant.
    if (kapso !== undefined) throw malformed('kapso(...) is given more than once');
    kapso = parseKapsoItem(item.slice('kapso'.length).trim(), vocabulary);
  }
  return { kapso: kapso ?? { kind: 'default' }, metaFields: metaFields.size > 0 ? metaFields : null };
}

/** Whether a Kapso key is selected; unknown names simply never match (§2.1 lenient parsing). */
export function wantsKapsoField(selection: KapsoSelection, name: string, vocabulary: KapsoVocabulary = MESSAGE_KAPSO_VOCABULARY): boolean {
  switch (selection.kind) {
    case 'none':
      return false;
    case 'default':
      return vocabulary.defaults.has(name);
    case 'all':
      return vocabulary.all.has(name);
    case 'names':
      return selection.names.has(name);
  }
}

/**
 * Splits on commas outside brackets. Graph nests subfields in `{}` and Kapso in `()`, so both
 * are tracked to keep `template{name,language}` one item.
 */
function splitTopLevel(raw: string): string[] {
  const items: string[] = [];
  const open: string[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw[i] as string;
    if (char === '(' || char === '{') open.push(char);
    else if (char in CLOSERS) {
      if (open.pop() !== CLOSERS[char]) throw malformed('its parentheses are unbalanced');
    } else if (char === ',' && open.length === 0) {
      items.push(nonEmpty(raw.slice(start, i)));
      start = i + 1;
    }
  }
  if (open.length > 0) throw malformed('its parentheses are unbalanced');
  items.push(nonEmpty(raw.slice(start)));
  return items;
}

function nonEmpty(item: string): string {
  const trimmed = item.trim();
  if (trimmed === '') throw malformed('it contains an empty item');
  return trimmed;
}

/** `preview.invalidate(false)` → `preview`; `template{name}` → `template`. */
function topLevelName(item: string): string {
  const name = (/^[^.({]*/.exec(item)?.[0] ?? '').trim();
  if (name === '') throw malformed(`item '${item}' has no field name`);
  return name;
}

/** Parses what follows the word `kapso`: `(…)`, or nothing at all. */
function parseKapsoItem(rest: string, vocabulary: KapsoVocabulary): KapsoSelection {
  // A bare `kapso` reads as Graph's "this field with its default subfields".
  if (rest === '') return { kind: 'default' };
  if (!rest.startsWith('(')) throw malformed('kapso must be written kapso(...)');
  if (findClose(rest) !== rest.length - 1) throw malformed('kapso(...) is followed by unexpected text');
  return parseKapsoSelector(rest.slice(1, -1).trim(), vocabulary);
}

/** Index of the `)` closing `rest[0]`; a nested `(` is rejected because names never contain one. */
function findClose(rest: string): number {
  const next = rest.indexOf('(', 1);
  const close = rest.indexOf(')', 1);
  if (next !== -1 && next < close) throw malformed('kapso(...) cannot contain parentheses');
  return close;
}

function parseKapsoSelector(selector: string, vocabulary: KapsoVocabulary): KapsoSelection {
  if (selector === '') return { kind: 'none' };
  if (selector === 'default' || selector === '*') return { kind: 'default' };
  if (selector === 'all') return { kind: 'all' };
  const names = new Set<string>();
  for (const part of selector.split(',')) {
    const name = part.trim();
    if (!KAPSO_NAME.test(name)) {
      throw malformed(name === '' ? 'kapso(...) contains an empty name' : `kapso name '${name}' is not [a-z_]+`);
    }
    // The keywords inside a list widen it rather than being names nothing could match.
    const expansion = name === 'default' ? vocabulary.defaults : name === 'all' ? vocabulary.all : [name];
    for (const each of expansion) names.add(each);
  }
  return { kind: 'names', names };
}

function malformed(reason: string): GraphError {
  return errors.invalidParameter('fields', `Parameter 'fields' is malformed: ${reason}.`);
}
