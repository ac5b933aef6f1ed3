import type { Browser, Page } from 'playwright-core';
import type { Dataset } from './dataset.ts';
import { openWatchedPage, seenTimes, type WatchTarget } from './inbox-page.ts';
import type { InboxWorld } from './inbox-world.ts';
import { textBody } from './payloads.ts';
import { sleep } from './processes.ts';

/** The conversation list in the sidebar, and the open thread (web/src/components/*.tsx). */
const LIST = '[aria-label="Conversations"]';
const THREAD = '[role="log"]';

/**
 * Milliseconds from `page.goto` to the first screen being usable, per load: cold in a fresh
 * context (nothing cached, a first visit), then warm, the same path again in that context (the
 * app's hashed assets cached, as for an agent coming back).
 */
export interface FirstScreenBrowser {
  /** `/` → the list shows its first contact's name. */
  listMs: number[];
  listWarmMs: number[];
  /** `/c/ID` → the list's first name and the thread's newest message both shown. */
  threadMs: number[];
  threadWarmMs: number[];
}

/** The newest message's text of customer c's conversation (bench/dataset.ts spreads messages round-robin). */
export function newestText(d: Dataset, c: number): string {
  const count = Math.floor((d.messages - 1 - c) / d.customers) + 1;
  // The first 80 characters: enough to tell it from the thread's other messages, and no formatting.
  return textBody(c + (count - 1) * d.customers).trim().slice(0, 80);
}

export async function measureFirstScreen(browser: Browser, world: InboxWorld, firstName: string, loads: number): Promise<FirstScreenBrowser> {
  const conversationId = world.main.dataset.conversationIds[0] as string;
  const result: FirstScreenBrowser = { listMs: [], listWarmMs: [], threadMs: [], threadWarmMs: [] };
  const nameTarget = { key: 'name', within: LIST, text: firstName, exact: true };
  const messageTarget = { key: 'message', within: THREAD, text: newestText(world.main.dataset, 0) };
  for (let i = 0; i < loads; i++) {
    const list = await timeLoads(browser, world, '/', [nameTarget]);
    result.listMs.push(list.cold);
    result.listWarmMs.push(list.warm);
    const thread = await timeLoads(browser, world, `/c/${encodeURIComponent(conversationId)}`, [nameTarget, messageTarget]);
    result.threadMs.push(thread.cold);
    result.threadWarmMs.push(thread.warm);
  }
  return result;
}

/** A cold load of `path` then a warm one: milliseconds from each `goto` until every target was shown. */
async function timeLoads(browser: Browser, world: InboxWorld, path: string, targets: WatchTarget[]): Promise<{ cold: number; warm: number }> {
  const { context, page } = await openWatchedPage(browser, world, targets);
  try {
    const load = async () => {
      const started = Date.now();
      // The watcher is an init script: each navigation starts it afresh.
      await page.goto(`${world.baseUrl}${path}`, { waitUntil: 'commit' });
      return Math.max(...Object.values(await seenTimes(page, targets))) - started;
    };
    const cold = await load();
    await page.goto('about:blank');
    return { cold, warm: await load() };
  } finally {
    await context.close();
  }
}

/** The long thread opened and scrolled up in Chromium. */
export interface ThreadScroll {
  threadMessages: number;
  /** `goto /c/ID` → its newest message shown. */
  openMs: number;
  /** Requests for the thread's messages made by opening it (and waiting 1 s), and the messages they carried. */
  requestsOnOpen: number;
  messagesOnOpen: number;
  /** Messages rendered after opening. */
  renderedOnOpen: number;
  /** The `limit` the app asked for, and the size of the first page answered. */
  pageSize: number;
  olderPages: Array<{ ms: number; requests: number; messages: number; rendered: number }>;
}

/**
 * Opens the long thread and scrolls to its top `pages` times. Each time: the time from setting
 * scrollTop to 0 until more messages are rendered (measured in the page), and the requests it made.
 */
export async function measureThreadScroll(browser: Browser, world: InboxWorld, pages: number): Promise<ThreadScroll> {
  const d = world.thread.dataset;
  const conversationId = d.conversationIds[0] as string;
  const target = { key: 'message', within: THREAD, text: newestText(d, 0) };
  const { context, page } = await openWatchedPage(browser, world, [target]);
  const traffic = countThreadRequests(page, conversationId);
  try {
    const started = Date.now();
    await page.goto(`${world.baseUrl}/c/${encodeURIComponent(conversationId)}`, { waitUntil: 'commit' });
    const seen = await seenTimes(page, [target]);
    await sleep(1000);
    const onOpen = { ...traffic.totals() };
    const result: ThreadScroll = {
      threadMessages: d.messages,
      openMs: (seen.message as number) - started,
      requestsOnOpen: onOpen.requests,
      messagesOnOpen: onOpen.messages,
      renderedOnOpen: await renderedCount(page),
      pageSize: traffic.firstLimit(),
      olderPages: [],
    };
    for (let i = 0; i < pages; i++) {
      const before = traffic.totals();
      const ms = (await page.evaluate(SCROLL_TO_TOP)) as number;
      await sleep(300);
      const after = traffic.totals();
      result.olderPages.push({ ms, requests: after.requests - before.requests, messages: after.messages - before.messages, rendered: await renderedCount(page) });
    }
    return result;
  } finally {
    await context.close();
  }
}

/** Scrolls the thread to its top and resolves, at the next frame after more messages are rendered, with the milliseconds it took. */
const SCROLL_TO_TOP = `new Promise((resolve, reject) => {
  const log = document.querySelector('${THREAD}');
  const before = log.querySelectorAll('article').length;
  const started = performance.now();
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no older messages rendered within 15 s of scrolling to the top')); }, 15000);
  const observer = new MutationObserver(() => {
    if (log.querySelectorAll('article').length <= before) return;
    observer.disconnect();
    clearTimeout(timer);
    requestAnimationFrame(() => resolve(performance.now() - started));
  });
  observer.observe(log, { childList: true, subtree: true });
  log.scrollTop = 0;
})`;

function renderedCount(page: Page): Promise<number> {
  return page.evaluate(`document.querySelectorAll('${THREAD} article').length`) as Promise<number>;
}

/** Counts the page's requests for the thread's messages and the messages their answers carried. */
function countThreadRequests(page: Page, conversationId: string) {
  const path = `/inbox/api/conversations/${encodeURIComponent(conversationId)}/messages`;
  let requests = 0;
  let messages = 0;
  let limit = 0;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname !== path || request.method() !== 'GET') return;
    requests++;
    if (limit === 0) limit = Number(url.searchParams.get('limit') ?? 0);
  });
  page.on('response', (response) => {
    if (new URL(response.url()).pathname !== path || response.request().method() !== 'GET') return;
    response.json().then(
      (body: { data?: unknown[] }) => void (messages += body.data?.length ?? 0),
      () => undefined,
    );
  });
  return { totals: () => ({ requests, messages }), firstLimit: () => limit };
}
