import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSearchText, toFts5Match, toTsquery } from '../../src/messages/search-query.ts';
import { LESS_THAN_STAND_IN, MATCH_END, MATCH_START, snippetHtml } from '../../src/messages/search-snippet.ts';

describe('search text becomes quoted words', () => {
  it.each<[string, string[], string, string]>([
    ['payment', ['payment'], '"payment"*', "'payment':*"],
    ['Payment Received', ['payment', 'received'], '"payment" "received"*', "'payment' & 'received':*"],
    ['"payment" OR thanks*', ['payment', 'or', 'thanks'], '"payment" "or" "thanks"*', "'payment' & 'or' & 'thanks':*"],
    ['NEAR(a b)', ['near', 'a', 'b'], '"near" "a" "b"*', "'near' & 'a' & 'b':*"],
    ["o'brien & co:*", ['o', 'brien', 'co'], '"o" "brien" "co"*', "'o' & 'brien' & 'co':*"],
    ['São  Paulo', ['são', 'paulo'], '"são" "paulo"*', "'são' & 'paulo':*"],
    ['Sa\u0303o', ['são'], '"são"*', "'são':*"],
    ['東京 タワー', ['東京', 'タワー'], '"東京" "タワー"*', "'東京' & 'タワー':*"],
    ['order 4417', ['order', '4417'], '"order" "4417"*', "'order' & '4417':*"],
    ['pay pay', ['pay'], '"pay"*', "'pay':*"],
    ['*** () "" \\', [], '', ''],
    ['🙂', [], '', ''],
  ])('%j → %j', (text, words, fts5, tsquery) => {
    const terms = parseSearchText(text);
    expect(terms.words).toEqual(words);
    expect(toFts5Match(terms)).toBe(fts5);
    expect(toTsquery(terms)).toBe(tsquery);
  });

  it('counts whole words (the cheaper subset SQLite counts first) when the last is not a prefix', () => {
    expect(toFts5Match(parseSearchText('Payment Received'), false)).toBe('"payment" "received"');
  });

  it('never lets a quote, backslash or operator character into a word, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const word of parseSearchText(text).words) expect(word).toMatch(/^[\p{L}\p{N}][\p{L}\p{N}\p{M}]*$/u);
      }),
    );
  });
});

describe('a marked snippet becomes HTML with <mark> as its only markup', () => {
  const m = (word: string) => `${MATCH_START}${word}${MATCH_END}`;
  it.each<[string, string, string]>([
    ['plain text', `thanks for the ${m('payment')}`, 'thanks for the <mark>payment</mark>'],
    ['every HTML character escaped', `<script>alert("x")</script> & 'q' ${m('pay')}`, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; <mark>pay</mark>'],
    ['a mark around markup', m('<img src=x onerror=alert(1)>'), '<mark>&lt;img src=x onerror=alert(1)&gt;</mark>'],
    ["PostgreSQL's stand-in for <", `${LESS_THAN_STAND_IN}b>bold`, '&lt;b&gt;bold'],
    ['an unclosed mark closed at the end', `${MATCH_START}pay`, '<mark>pay</mark>'],
    ['a stray end ignored', `pay${MATCH_END}ment`, 'payment'],
    ['a doubled start opens once', `${MATCH_START}${MATCH_START}pay${MATCH_END}`, '<mark>pay</mark>'],
    ['no text', '', ''],
  ])('%s', (_label, marked, html) => {
    expect(snippetHtml(marked)).toBe(html);
  });

  it('never yields a tag other than balanced <mark> pairs, whatever the text', () => {
    const pieces = fc.constantFrom('<', '>', '&', '"', "'", MATCH_START, MATCH_END, LESS_THAN_STAND_IN, 'mark', '/', 'a', ' ');
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 60 }), (parts) => {
        const html = snippetHtml(parts.join(''));
        const tags = html.match(/<[^>]*>?/g) ?? [];
        let depth = 0;
        for (const tag of tags) {
          expect(['<mark>', '</mark>']).toContain(tag);
          depth += tag === '<mark>' ? 1 : -1;
          expect(depth === 0 || depth === 1).toBe(true);
        }
        expect(depth).toBe(0);
        expect(html.replaceAll('<mark>', '').replaceAll('</mark>', '')).not.toMatch(/[<>"']/);
      }),
    );
  });
});
