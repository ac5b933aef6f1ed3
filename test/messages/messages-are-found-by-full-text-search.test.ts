import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneHistory } from '../../src/retention/prune.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, getWithKey, storeMessages } from '../helpers/history.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z
type Tenant = Awaited<ReturnType<typeof newTenant>>;
interface FoundPage {
  data: Array<{ id: string; kapso?: { search_snippet?: string; direction?: string } }>;
  paging: { next: string | null; previous: string | null };
}

describe.each(dialects)('GET /{version}/{phone_number_id}/messages?q= finds messages by their words (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Tenant;
  let other: Tenant;
  const search = (q: string, extra = '', who: Tenant = t) => getWithKey(gw, who.apiKey, `/v24.0/${who.phoneNumberId}/messages?q=${encodeURIComponent(q)}${extra}`);
  const idsOf = async (q: string, extra = '', who: Tenant = t) => {
    const res = await search(q, extra, who);
    expect(res.statusCode).toBe(200);
    return (res.json() as FoundPage).data.map((m) => m.id);
  };

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    other = await newTenant(gw);
    const items = [
      textMessage('w.cafe', 'Café crème at São Paulo', T0),
      { from: '14155550123', id: 'w.caption', timestamp: String(T0 + 10), type: 'image', image: { caption: 'Here is the receipt for order 4417', mime_type: 'image/jpeg', id: '5550001' } },
      { from: '14155550123', id: 'w.reply', timestamp: String(T0 + 20), type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'ship_express', title: 'Express delivery' } } },
      textMessage('w.thanks', 'Payment received, thanks!', T0 + 30),
      textMessage('w.html', '<script>alert("x")</script> & payment <b>due</b>', T0 + 40),
    ];
    expect((await postWebhook(gw, messagesWebhook(t.phoneNumberId, items), t.appSecret)).statusCode).toBe(200);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'w.sent', timestamp: T0 + 50, direction: 'outbound', body: 'Your payment link is ready' }]);
    const foreign = messagesWebhook(other.phoneNumberId, [textMessage('w.foreign', 'payment from another project, receipt attached', T0 + 60)]);
    expect((await postWebhook(gw, foreign, other.appSecret)).statusCode).toBe(200);
  });
  afterAll(() => gw.close());

  describe('happy path', () => {
    it.each<[string, string, string[]]>([
      ['a word of a text', 'thanks', ['w.thanks']],
      ['a word of a caption', 'receipt', ['w.caption']],
      ['a number in a caption', '4417', ['w.caption']],
      ['the title of an interactive reply', 'express', ['w.reply']],
      ['a word in any case', 'PAYMENT', ['w.sent', 'w.html', 'w.thanks']],
      ['every word, in any order', 'thanks payment', ['w.thanks']],
      ['the last word as a prefix', 'pay', ['w.sent', 'w.html', 'w.thanks']],
      ['an outbound message', 'link', ['w.sent']],
      ['words with their accents', 'São crème', ['w.cafe']],
    ])('finds %s', async (_label, q, expected) => {
      expect(await idsOf(q)).toEqual(expected);
    });

    it("answers the same under Kapso's base URL shape (/meta/whatsapp)", async () => {
      const res = await getWithKey(gw, t.apiKey, `/meta/whatsapp/v24.0/${t.phoneNumberId}/messages?q=thanks`);
      expect(res.statusCode).toBe(200);
      expect(res.json().data.map((m: { id: string }) => m.id)).toEqual(['w.thanks']);
    });

    it('matches only the last word as a prefix', async () => {
      expect(await idsOf('pay thanks')).toEqual([]);
      expect(await idsOf('thanks pay')).toEqual(['w.thanks']);
    });

    it(dialect === 'sqlite' ? 'ignores accents (SQLite)' : 'tells accented letters apart (PostgreSQL)', async () => {
      expect(await idsOf('sao creme')).toEqual(dialect === 'sqlite' ? ['w.cafe'] : []);
    });

    it('renders each message as the list does, with an escaped snippet marking the matched words', async () => {
      const res = await search('payment');
      const page = res.json() as FoundPage;
      const html = page.data.find((m) => m.id === 'w.html');
      expect(html).toMatchObject({ id: 'w.html', type: 'text', text: { body: '<script>alert("x")</script> & payment <b>due</b>' } });
      const snippet = html?.kapso?.search_snippet ?? '';
      expect(snippet).toContain('<mark>payment</mark>');
      expect(snippet).toContain('&lt;');
      expect(snippet.replaceAll('<mark>', '').replaceAll('</mark>', '')).not.toMatch(/[<>"]/);
      const listed = (await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/messages?limit=5`)).json() as FoundPage;
      const { search_snippet: _, ...kapso } = html?.kapso ?? {};
      expect({ ...html, kapso }).toEqual(listed.data.find((m) => m.id === 'w.html'));
    });

    it('marks a prefix match in the snippet', async () => {
      const page = (await search('thanks pay')).json() as FoundPage;
      expect(page.data[0]?.kapso?.search_snippet).toMatch(/<mark>Payment<\/mark>.*<mark>thanks<\/mark>/);
    });

    it('leaves the snippet out with the kapso block (fields=kapso())', async () => {
      const page = (await search('receipt', '&fields=kapso()')).json() as FoundPage;
      expect(page.data).toEqual([expect.not.objectContaining({ kapso: expect.anything() })]);
    });

    it('combines with the other filters', async () => {
      expect(await idsOf('payment', '&direction=inbound')).toEqual(['w.html', 'w.thanks']);
      expect(await idsOf('payment', `&since=${T0 + 35}`)).toEqual(['w.sent', 'w.html']);
      expect(await idsOf('payment', '&status=sent')).toEqual(['w.sent']);
    });

    it('pages newest first with keyset cursors, every match once', async () => {
      const mine = await newTenant(gw);
      const bodies = Array.from({ length: 25 }, (_, i) => ({ id: `p${String(i).padStart(2, '0')}`, timestamp: T0 + i, body: `invoice number ${i}` }));
      await storeMessages(gw, mine.phoneNumberId, [...bodies, { id: 'noise', timestamp: T0 + 100, body: 'nothing to see' }]);
      const seen: string[] = [];
      let url: string | null = `/v24.0/${mine.phoneNumberId}/messages?q=invoice&limit=10`;
      const pages: FoundPage[] = [];
      while (url) {
        const res = await getWithKey(gw, mine.apiKey, url);
        expect(res.statusCode).toBe(200);
        const page = res.json() as FoundPage;
        pages.push(page);
        seen.push(...page.data.map((m) => m.id));
        url = page.paging.next;
      }
      expect(seen).toEqual(bodies.map((b) => b.id).reverse());
      expect(pages.map((p) => p.data.length)).toEqual([10, 10, 5]);
      expect(pages[1]?.paging.next).toContain('q=invoice');
      const back = (await getWithKey(gw, mine.apiKey, pages[1]?.paging.previous ?? '')).json() as FoundPage;
      expect(back.data.map((m) => m.id)).toEqual(pages[0]?.data.map((m) => m.id));
    });
  });

  describe('security', () => {
    it("never finds another project's messages", async () => {
      expect(await idsOf('another')).toEqual([]);
      expect(await idsOf('receipt')).toEqual(['w.caption']);
      expect(await idsOf('receipt', '', other)).toEqual(['w.foreign']);
    });

    it("answers another project's number like an unknown one", async () => {
      const res = await getWithKey(gw, t.apiKey, `/v24.0/${other.phoneNumberId}/messages?q=payment`);
      expect(res.statusCode).toBe(404);
    });

    it.each([
      '"',
      "'",
      '*',
      '"payment',
      'payment"',
      'payment*',
      '-payment',
      '+payment',
      'NOT payment',
      'payment OR thanks',
      'payment AND',
      'NEAR(payment thanks)',
      'NEAR/2',
      '(payment',
      'payment)',
      '{content}: payment',
      'content:payment',
      '^payment',
      'payment:*',
      "payment' | 'thanks",
      'payment & !thanks',
      '\\',
      '\u0000payment',
      '🙂 payment',
      'ǅ',
      '\u{1E922}',
      'e\u0301',
      '\u200Bpayment\u200B',
    ])('answers a hostile query %j without error', async (q) => {
      const res = await search(q);
      expect(res.statusCode).toBe(200);
      expect(Array.isArray(res.json().data)).toBe(true);
    });

    it('reads operators as words or punctuation, never as syntax', async () => {
      expect(await idsOf('NEAR(payment thanks)')).toEqual([]);
      expect(await idsOf('"payment" OR "express"')).toEqual([]);
      expect(await idsOf('(thanks) payment*')).toEqual(['w.thanks']);
      expect(await idsOf('***')).toEqual([]);
    });
  });

  describe('errors', () => {
    it.each<[string, string]>([
      ['a query of 1,000 characters', 'a'.repeat(1000)],
      ['an empty query', ''],
      ['a blank query', '   '],
      ['a query of 17 words', Array.from({ length: 17 }, (_, i) => `w${i}`).join(' ')],
    ])('refuses %s with 400 naming q', async (_label, q) => {
      expectInvalidParameter(await search(q), 'q');
    });
  });

  describe('deleted messages', () => {
    it('never finds a pruned message, and still finds the kept ones', async () => {
      const mine = await newTenant(gw);
      const now = Math.floor(gw.clock.now() / 1000);
      await storeMessages(gw, mine.phoneNumberId, [
        { id: 'old', timestamp: now - 100 * 86_400, body: 'ancient parcel' },
        { id: 'new', timestamp: now - 60, body: 'recent parcel' },
      ]);
      expect(await idsOf('parcel', '', mine)).toEqual(['new', 'old']);
      await pruneHistory(gw.deps, { beforeMs: (now - 30 * 86_400) * 1000, mediaOnly: false, dryRun: false, projectId: mine.projectId, now: gw.clock.now() });
      expect(await idsOf('parcel', '', mine)).toEqual(['new']);
      expect(await idsOf('ancient', '', mine)).toEqual([]);
      if (dialect === 'sqlite') {
        // FTS5 compares its index with the messages table: a trigger that missed a delete fails it.
        await sql`insert into messages_fts (messages_fts, rank) values ('integrity-check', 1)`.execute(gw.deps.database.db);
      }
    });
  });
});
