import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/dialects.ts';
import { type SeedMessage, storeMessages } from '../../helpers/history.ts';
import { addMember, signIn } from '../../helpers/inbox-session.ts';
import { type InboxWorld, useChromium, DESKTOP, signInByLink, startInboxWorld } from './inbox-world.ts';

/**
 * A project with a long history in Chromium (docs/inbox.md): a cold load of a thread's URL asks
 * for the session, the list and the thread at once; the list (30 a page) and the thread (40 a
 * page) load their older pages on scroll, without duplicates and without moving what the reader
 * was looking at.
 */
const CUSTOMERS = 75; // the first page and two more
const THREAD_LENGTH = 95; // the newest page and two older ones
const WAIT = { timeout: 10_000 };

const browser = useChromium();

describe.each(dialects)('the inbox with a long history in Chromium (%s)', (dialect) => {
  let world: InboxWorld;
  let context: BrowserContext;
  let page: Page;
  let threadUrl: string;

  beforeAll(async () => {
    world = await startInboxWorld(dialect);
    const tenant = await world.newTenant();
    const agent = await addMember(world.gw, tenant.projectId);
    // Stored through the write path ingest uses, in one transaction: customers who wrote in the
    // last hours, Customer 01 most recently, then one who has written a long story since.
    const nowSec = Math.floor(Date.now() / 1000);
    const history: SeedMessage[] = [];
    for (let i = 1; i <= CUSTOMERS; i++) {
      const n = String(i).padStart(2, '0');
      history.push({ id: `wamid.list-${dialect}-${n}`, timestamp: nowSec - 3 * 3600 - i * 60, waId: `1555020${String(i).padStart(4, '0')}`, profileName: `Customer ${n}` });
    }
    for (let i = 1; i <= THREAD_LENGTH; i++) {
      const part = storyPart(i);
      const inbound = i % 3 !== 0;
      history.push({ id: `wamid.story-${dialect}-${i}`, timestamp: nowSec - (THREAD_LENGTH - i + 1) * 30, waId: '15550209999', direction: inbound ? 'inbound' : 'outbound', body: part, ...(inbound ? { profileName: 'Sam Storyteller' } : {}) });
    }
    await storeMessages(world.gw, tenant.phoneNumberId, history);
    const session = await signIn(world.gw, agent.email, agent.password);
    const newest = (await world.gw.app.inject({ method: 'GET', url: '/inbox/api/conversations?limit=1', headers: session.headers() })).json() as { data: Array<{ id: string }> };
    threadUrl = `${world.url}/c/${newest.data[0]?.id}`;
    context = await browser().newContext(DESKTOP);
    page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    await signInByLink(page, world, agent.id);
    await page.getByRole('link', { name: /Sam Storyteller/ }).waitFor(WAIT);
  });
  afterAll(async () => {
    await context?.close();
    await world?.close();
  });

  it("asks for the session, the list and the thread at once on a cold load of a thread's URL", async () => {
    const cold = await context.newPage();
    const log: string[] = [];
    const nameOf = (request: Request) => {
      const url = new URL(request.url());
      if (url.pathname === '/inbox/api/session') return 'session';
      if (url.pathname === '/inbox/api/conversations' && !url.searchParams.has('cursor')) return 'list';
      if (/^\/inbox\/api\/conversations\/[^/]+\/messages$/.test(url.pathname) && !url.searchParams.has('cursor')) return 'thread';
      return null;
    };
    cold.on('request', (r) => void (nameOf(r) && log.push(`start ${nameOf(r)}`)));
    cold.on('requestfinished', (r) => void (nameOf(r) && log.push(`finish ${nameOf(r)}`)));
    try {
      await cold.goto(threadUrl);
      await cold.getByRole('log', { name: 'Messages' }).getByText(storyPart(THREAD_LENGTH)).waitFor(WAIT);
      await cold.getByRole('link', { name: /Customer 01/ }).waitFor(WAIT);
      // Both started before the session answered, and each was asked once: the screens took the
      // answers of the requests made at start instead of asking again.
      expect(log.indexOf('start list')).toBeLessThan(log.indexOf('finish session'));
      expect(log.indexOf('start thread')).toBeLessThan(log.indexOf('finish session'));
      expect(log.filter((e) => e.startsWith('start')).sort()).toEqual(['start list', 'start session', 'start thread']);
    } finally {
      await cold.close();
    }
  });

  it("shows a first visit to a thread's URL the sign-in form, not a session that ended", async () => {
    const visitor = await browser().newContext(DESKTOP);
    try {
      const first = await visitor.newPage();
      const answered = (path: RegExp) => first.waitForResponse((r) => path.test(new URL(r.url()).pathname) && r.status() === 401);
      const refused = Promise.all([answered(/^\/inbox\/api\/conversations$/), answered(/\/messages$/)]);
      await first.goto(threadUrl);
      await refused;
      await first.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
      expect(await first.getByText('Your session ended').count()).toBe(0);
    } finally {
      await visitor.close();
    }
  });

  it('loads older conversations on scrolling to the bottom of the list, each once', async () => {
    const sidebar = page.getByRole('complementary', { name: 'Conversations' });
    const oldest = sidebar.getByRole('link', { name: new RegExp(`Customer ${CUSTOMERS}`) });
    await expect
      .poll(async () => {
        await sidebar.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        return oldest.count();
      }, WAIT)
      .toBe(1);
    const hrefs = await sidebar.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toHaveLength(CUSTOMERS + 1);
    expect(new Set(hrefs).size).toBe(hrefs.length);
    expect(await sidebar.getByRole('button', { name: 'Load more conversations' }).count()).toBe(0);
  });

  it("loads older messages on scrolling to the top of the thread, keeping the reader's place", async () => {
    await page.getByRole('link', { name: /Sam Storyteller/ }).click();
    const stream = page.getByRole('log', { name: 'Messages' });
    await stream.getByText(storyPart(THREAD_LENGTH)).waitFor(WAIT);
    const firstPart = stream.getByText(storyPart(1));
    for (let pages = 0; pages < 3 && (await firstPart.count()) === 0; pages++) {
      const bubbles = stream.locator('article.bubble');
      const count = await bubbles.count();
      const topmost = stream.locator(`article.bubble[data-message-id="${await bubbles.first().getAttribute('data-message-id')}"]`);
      await stream.evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => bubbles.count(), WAIT).toBeGreaterThan(count);
      // The message that was at the top is still in view: the pane did not jump to the older page.
      const [pane, kept] = [await stream.boundingBox(), await topmost.boundingBox()];
      expect(kept && pane && kept.y >= pane.y && kept.y + kept.height <= pane.y + pane.height).toBe(true);
    }
    await firstPart.waitFor(WAIT);
    const ids = await stream.locator('article.bubble').evaluateAll((bubbles) => bubbles.map((b) => b.getAttribute('data-message-id')));
    expect(ids).toHaveLength(THREAD_LENGTH);
    expect(new Set(ids).size).toBe(THREAD_LENGTH);
  });
});

function storyPart(n: number): string {
  return `Story part ${String(n).padStart(3, '0')}`;
}
