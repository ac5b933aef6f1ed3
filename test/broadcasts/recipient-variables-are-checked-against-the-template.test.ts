import { describe, expect, it } from 'vitest';
import { checkRecipientComponents } from '../../src/broadcasts/template-parameters.ts';
import type { StoredTemplate } from '../../src/broadcasts/template.ts';
import { normalizeRecipientNumber } from '../../src/broadcasts/phone.ts';

const template = (parameterFormat: 'NAMED' | 'POSITIONAL', components: Array<Record<string, unknown>>): StoredTemplate => ({
  id: '1', name: 't', language: 'en_US', category: 'MARKETING', status: 'APPROVED', parameter_format: parameterFormat, components,
});
const text = (value: string, name?: string) => ({ type: 'text', text: value, ...(name ? { parameter_name: name } : {}) });

const positional = template('POSITIONAL', [
  { type: 'HEADER', format: 'IMAGE' },
  { type: 'BODY', text: 'Order {{1}} ships {{2}}.' },
  { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop' }, { type: 'URL', text: 'Track', url: 'https://t.example/{{1}}' }, { type: 'COPY_CODE', example: 'X' }] },
]);
const header = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/a.png' } }] };
const body = { type: 'body', parameters: [text('4471'), text('today')] };
const url = { type: 'button', sub_type: 'url', index: '1', parameters: [text('4471')] };
const code = { type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE' }] };

describe('a recipient’s components against the template kept with the broadcast', () => {
  it('accepts a template without variables with no components at all', () => {
    expect(checkRecipientComponents(template('POSITIONAL', [{ type: 'BODY', text: 'Hello!' }]), undefined)).toBeNull();
    expect(checkRecipientComponents(template('POSITIONAL', [{ type: 'BODY', text: 'Hello!' }]), [])).toBeNull();
  });

  it('accepts media header, positional body, URL and copy-code buttons, with an optional quick-reply payload', () => {
    expect(checkRecipientComponents(positional, [header, body, url, code])).toBeNull();
    expect(checkRecipientComponents(positional, [header, body, url, code, { type: 'button', sub_type: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'STOP' }] }])).toBeNull();
  });

  it.each([
    ['a body with too few parameters', [header, { type: 'body', parameters: [text('1')] }, url, code], 'template parameters invalid - requires 2 parameters but got 1'],
    ['no body at all', [header, url, code], 'template parameters invalid - requires 2 parameters but got 0'],
    ['a named parameter in a positional template', [header, { type: 'body', parameters: [text('1', 'a'), text('2')] }, url, code], "body parameter 1 has a parameter_name, but the template's parameters are positional"],
    ['a missing media header', [body, url, code], 'template header requires one image parameter'],
    ['a header of the wrong media', [{ type: 'header', parameters: [{ type: 'video', video: { link: 'https://v.example/a.mp4' } }] }, body, url, code], 'template header requires one image parameter'],
    ['a media header with a non-http link', [{ type: 'header', parameters: [{ type: 'image', image: { link: 'file:///etc/passwd' } }] }, body, url, code], 'header image parameter needs a image.link (http or https URL) or image.id'],
    ['a missing dynamic URL', [header, body, code], 'template button 1 (url) needs a parameter'],
    ['a button the template does not have', [header, body, url, code, { type: 'button', sub_type: 'url', index: '7', parameters: [text('x')] }], 'template has no button 7 that takes a parameter'],
    ['a button with the wrong sub_type', [header, body, { ...url, sub_type: 'quick_reply' }, code], 'button 1 must have sub_type url'],
    ['the body given twice', [header, body, body, url, code], 'component body is given twice'],
    ['a component that is not an object', [header, 'body'], 'each component must be an object'],
    ['a component without parameters', [header, { type: 'body' }], 'body component needs a parameters array'],
    ['components that are not an array', { type: 'body' }, 'components must be an array'],
  ])('reports %s', (_what, components, reason) => {
    expect(checkRecipientComponents(positional, components)).toBe(reason);
  });

  const named = template('NAMED', [{ type: 'HEADER', format: 'TEXT', text: 'Hi {{first_name}}' }, { type: 'BODY', text: 'Use {{code}} by {{date}}.' }]);
  it('matches named parameters by name, in any order, each once', () => {
    const head = { type: 'header', parameters: [text('Maya', 'first_name')] };
    expect(checkRecipientComponents(named, [head, { type: 'body', parameters: [text('May 1', 'date'), text('SAVE', 'code')] }])).toBeNull();
    expect(checkRecipientComponents(named, [head, { type: 'body', parameters: [text('SAVE', 'code'), text('SAVE', 'code')] }])).toBe('body parameter code is given twice');
    expect(checkRecipientComponents(named, [{ type: 'body', parameters: [text('May 1', 'date'), text('SAVE', 'code')] }])).toBe('template parameters invalid - requires 1 parameters but got 0');
    expect(checkRecipientComponents(named, [head, { type: 'body', parameters: [text('x'.repeat(1025), 'date'), text('SAVE', 'code')] }])).toBe('body parameter 1 is longer than 1024 characters');
  });
});

describe('a recipient’s phone number', () => {
  it.each([
    ['+14155550123', '14155550123'],
    ['14155550123', '14155550123'],
    ['+44 (20) 7946-0958', '442079460958'],
    ['+1415555', null],
    ['+0123456789', null],
    ['+1415555012345678', null],
    ['not a number', null],
    [14155550123, null],
  ])('%j is stored as %j', (raw, expected) => {
    expect(normalizeRecipientNumber(raw)).toBe(expected);
  });
});
