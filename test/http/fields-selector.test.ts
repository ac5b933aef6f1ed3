import { describe, expect, it } from 'vitest';
import { GraphError } from '../../src/http/errors.ts';
import {
  DEFAULT_MESSAGE_KAPSO_FIELDS,
  type FieldSelection,
  type KapsoSelection,
  parseFields,
  wantsKapsoField,
} from '../../src/http/fields.ts';

const defaults: KapsoSelection = { kind: 'default' };
const names = (...list: string[]): KapsoSelection => ({ kind: 'names', names: new Set(list) });
const meta = (...list: string[]): ReadonlySet<string> => new Set(list);

describe('parseFields', () => {
  it.each<[string, string | undefined, FieldSelection]>([
    ['an absent parameter', undefined, { kapso: defaults, metaFields: null }],
    ['an empty parameter', '', { kapso: defaults, metaFields: null }],
    ['a blank parameter', '   ', { kapso: defaults, metaFields: null }],
    ['kapso(default)', 'kapso(default)', { kapso: defaults, metaFields: null }],
    ['kapso(*)', 'kapso(*)', { kapso: defaults, metaFields: null }],
    ['kapso(all)', 'kapso(all)', { kapso: { kind: 'all' }, metaFields: null }],
    ['kapso()', 'kapso()', { kapso: { kind: 'none' }, metaFields: null }],
    ['kapso( ) with only spaces', 'kapso( )', { kapso: { kind: 'none' }, metaFields: null }],
    ['a bare kapso', 'kapso', { kapso: defaults, metaFields: null }],
    ['a name list', 'kapso(direction,status,processing_status)', { kapso: names('direction', 'status', 'processing_status'), metaFields: null }],
    ['a list with whitespace', ' kapso ( direction , media_url ) ', { kapso: names('direction', 'media_url'), metaFields: null }],
    ['a list with repeats', 'kapso(status,status,direction)', { kapso: names('status', 'direction'), metaFields: null }],
    ['a list with unknown names', 'kapso(direction,not_a_field)', { kapso: names('direction', 'not_a_field'), metaFields: null }],
    ['default inside a list', 'kapso(default,statuses)', { kapso: names(...DEFAULT_MESSAGE_KAPSO_FIELDS, 'statuses'), metaFields: null }],
    ['all inside a list', 'kapso(all,direction)', { kapso: names(...DEFAULT_MESSAGE_KAPSO_FIELDS, 'statuses', 'transcript'), metaFields: null }],
    ['a URL-decoded selector', decodeURIComponent('kapso%28media_url%2Ccontact_name%29'), { kapso: names('media_url', 'contact_name'), metaFields: null }],
    ['Meta tokens alone', 'id,type,text', { kapso: defaults, metaFields: meta('id', 'type', 'text') }],
    ['Meta tokens with kapso', 'id, kapso(status) ,type', { kapso: names('status'), metaFields: meta('id', 'type') }],
    ['a dotted Meta token', 'preview.invalidate(false),id', { kapso: defaults, metaFields: meta('preview', 'id') }],
    ['a Meta token with subfields', 'template{name,language},kapso()', { kapso: { kind: 'none' }, metaFields: meta('template') }],
    ['repeated Meta tokens', 'id,id', { kapso: defaults, metaFields: meta('id') }],
  ])('reads %s', (_label, raw, expected) => {
    expect(parseFields(raw)).toEqual(expected);
  });

  it('accepts a value of exactly 2,000 characters', () => {
    const raw = `kapso(${'a'.repeat(1_993)})`;
    expect(raw).toHaveLength(2_000);
    expect(parseFields(raw).kapso).toEqual(names('a'.repeat(1_993)));
  });

  it.each<[string, string]>([
    ['an unclosed parenthesis', 'kapso(direction'],
    ['an unopened parenthesis', 'kapso)direction('],
    ['a stray closing parenthesis', 'id)'],
    ['mismatched brackets', 'template{name)'],
    ['a nested parenthesis in kapso', 'kapso(direction(x))'],
    ['a nested parenthesis later in kapso', 'kapso(status,a(b))'],
    ['an upper-case kapso name', 'kapso(Direction)'],
    ['a kapso name with a digit', 'kapso(field1)'],
    ['a kapso name with a hyphen', 'kapso(media-url)'],
    ['a star inside a list', 'kapso(*,status)'],
    ['an empty kapso name', 'kapso(a,,b)'],
    ['a trailing comma inside kapso', 'kapso(a,)'],
    ['kapso given twice', 'kapso(status),kapso(direction)'],
    ['kapso given twice in different forms', 'kapso,kapso()'],
    ['text after kapso(...)', 'kapso(status)x'],
    ['a second group after kapso(...)', 'kapso(status)(direction)'],
    ['kapso with braces', 'kapso{status}'],
    ['kapso with a dot', 'kapso.status'],
    ['an empty item', 'a,,b'],
    ['a leading comma', ',id'],
    ['a trailing comma', 'id,'],
    ['a blank item', 'id, ,type'],
    ['an item without a name', '(x)'],
    ['a value over 2,000 characters', `kapso(${'a'.repeat(1_994)})`],
  ])('rejects %s with a 400 naming fields', (_label, raw) => {
    let thrown: unknown;
    try {
      parseFields(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphError);
    const error = thrown as GraphError;
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe(100);
    expect(error.details).toContain("'fields'");
  });
});

describe('wantsKapsoField', () => {
  it('lists the SDK fifteen plus origin and phone_number_id as the default set', () => {
    expect(DEFAULT_MESSAGE_KAPSO_FIELDS).toHaveLength(17);
    expect(new Set(DEFAULT_MESSAGE_KAPSO_FIELDS).size).toBe(17);
  });

  it.each<[string, KapsoSelection, string, boolean]>([
    ['default', defaults, 'direction', true],
    ['default', defaults, 'origin', true],
    ['default', defaults, 'phone_number_id', true],
    ['default', defaults, 'statuses', false],
    ['default', defaults, 'transcript', false],
    ['all', { kind: 'all' }, 'direction', true],
    ['all', { kind: 'all' }, 'statuses', true],
    ['all', { kind: 'all' }, 'transcript', true],
    ['all', { kind: 'all' }, 'unknown_name', false],
    ['none', { kind: 'none' }, 'direction', false],
    ['names', names('status'), 'status', true],
    ['names', names('status'), 'direction', false],
    ['names', names('statuses'), 'statuses', true],
    ['names', names('not_a_field'), 'not_a_field', true],
  ])('tells whether a %s selection wants %s (%s)', (_kind, selection, name, expected) => {
    expect(wantsKapsoField(selection, name)).toBe(expected);
  });
});
