import { describe, expect, it } from 'vitest';
import { splitSnippet } from '../../web/src/lib/snippet.ts';
import { type FormatSpan, parseWhatsAppFormat } from '../../web/src/lib/whatsapp-format.ts';

/**
 * The inbox renders what customers type, and what search highlights, as text nodes only: these
 * pure parsers turn WhatsApp's formatting marks and the search API's <mark> tags into parts the
 * components render, and nothing else in the text ever becomes markup.
 */
describe("WhatsApp's text formatting", () => {
  it.each<[string, FormatSpan[]]>([
    ['plain text', ['plain text']],
    ['is my *order* ready?', ['is my ', { style: 'bold', children: ['order'] }, ' ready?']],
    ['_soon_', [{ style: 'italic', children: ['soon'] }]],
    ['~no~ yes', [{ style: 'strike', children: ['no'] }, ' yes']],
    ['run ```npm ci``` now', ['run ', { style: 'mono', children: ['npm ci'] }, ' now']],
    ['a `code` b', ['a ', { style: 'mono', children: ['code'] }, ' b']],
    ['*bold _and italic_*', [{ style: 'bold', children: ['bold ', { style: 'italic', children: ['and italic'] }] }]],
    ['2*3*4 stays math', ['2*3*4 stays math']],
    ['snake_case_name stays', ['snake_case_name stays']],
    ['* not bold *', ['* not bold *']],
    ['*across\nlines*', ['*across\nlines*']],
    ['```*not bold* in mono```', [{ style: 'mono', children: ['*not bold* in mono'] }]],
  ])('parses %j', (text, spans) => {
    expect(parseWhatsAppFormat(text)).toEqual(spans);
  });

  it('keeps markup-looking text as text', () => {
    expect(parseWhatsAppFormat('<img src=x onerror=alert(1)> *hi*')).toEqual(['<img src=x onerror=alert(1)> ', { style: 'bold', children: ['hi'] }]);
  });
});

describe('search snippets', () => {
  it('splits on <mark> into marked and plain parts', () => {
    expect(splitSnippet('a <mark>refund</mark> for <mark>order</mark>')).toEqual([
      { text: 'a ', marked: false },
      { text: 'refund', marked: true },
      { text: ' for ', marked: false },
      { text: 'order', marked: true },
    ]);
  });

  it('unescapes the HTML entities the API escaped, leaving any other tag as visible text', () => {
    expect(splitSnippet('&lt;b&gt;5 &amp; 6&#39;s &quot;<mark>x</mark>&quot; &#x1F600;')).toEqual([
      { text: '<b>5 & 6\'s "', marked: false },
      { text: 'x', marked: true },
      { text: '" 😀', marked: false },
    ]);
    expect(splitSnippet('<script>alert(1)</script>')).toEqual([{ text: '<script>alert(1)</script>', marked: false }]);
  });

  it('leaves an unknown entity as it is', () => {
    expect(splitSnippet('&bogus; &#0;')).toEqual([{ text: '&bogus; &#0;', marked: false }]);
  });
});
