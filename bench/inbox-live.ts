import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { customerName, customerWaId } from './dataset.ts';
import { newestText } from './inbox-browser.ts';
import { liveSeenAt, openWatchedPage, seenTimes, type WatchTarget } from './inbox-page.ts';
import type { InboxWorld } from './inbox-world.ts';
import { randomWamid, type TextMessage, webhookBody } from './payloads.ts';
import { sleep } from './processes.ts';
import { openEventStream } from './sse-reader.ts';

/** The word every live message carries: the search bench's rare word. */
export const LIVE_WORD = 'inboxbenchlive';
const WAIT_MS = 10_000;

/** Per live message, milliseconds after its webhook was acknowledged (null: not seen within 10 s). */
export interface LiveFigures {
  messages: number;
  /** The webhook POST → its 200. */
  ackMs: number[];
  /** The 200 → the `message` event on an open `GET /inbox/api/events` stream (null: the stream did not open). */
  sseMs: Array<number | null> | null;
  sseStatus: number;
  /** The 200 → the text shown in the thread open in Chromium (null: the thread did not open, see `browserError`). */
  browserMs: Array<number | null> | null;
  browserError: string | null;
}

/**
 * Customer messages, one at a time and `gapMs` apart, signed with the number's app secret as Meta
 * signs them, into the conversation open in Chromium, with an events stream open beside it.
 */
export async function measureLive(browser: Browser, world: InboxWorld, count: number, gapMs: number): Promise<LiveFigures> {
  const conversationId = world.main.dataset.conversationIds[0] as string;
  const target = { key: 'message', within: '[role="log"]', text: newestText(world.main.dataset, 0) };
  const stream = await openEventStream(world.baseUrl, world.cookie);
  const { context, page } = await openWatchedPage(browser, world, [target]);
  try {
    // Each level is measured without the other when it is missing: the stream without the app, or the reverse.
    const browserError = await openThread(page, `${world.baseUrl}/c/${encodeURIComponent(conversationId)}`, target).then(
      () => null,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    const sse = 'close' in stream ? stream : null;
    if (!sse && browserError) throw new Error(`neither level can be measured: the events stream answered ${'status' in stream ? stream.status : '?'}; ${browserError}`);
    const figures: LiveFigures = { messages: count, ackMs: [], sseMs: sse ? [] : null, sseStatus: sse ? 200 : (stream as { status: number }).status, browserMs: browserError ? null : [], browserError };
    for (let n = 0; n < count; n++) {
      const wamid = randomWamid();
      const { sentAt, ackedAt } = await postCustomerMessage(world, wamid, `${LIVE_WORD} number ${n}: is my order ready yet?`);
      figures.ackMs.push(ackedAt - sentAt);
      const [sseAt, shownAt] = await Promise.all([sse ? sse.waitForMessage(wamid, WAIT_MS) : null, browserError ? null : liveSeenAt(page, n, WAIT_MS)]);
      figures.sseMs?.push(sseAt === null ? null : sseAt - ackedAt);
      figures.browserMs?.push(shownAt === null ? null : shownAt - ackedAt);
      await sleep(gapMs);
    }
    return figures;
  } finally {
    if ('close' in stream) stream.close();
    await context.close();
  }
}

/** Opens the thread and waits until it shows its newest message and the app's events stream answered. */
async function openThread(page: Page, url: string, target: WatchTarget): Promise<void> {
  // Settled at once so that a failure before it is awaited is not an unhandled rejection.
  const eventsOpened = page.waitForResponse((r) => new URL(r.url()).pathname === '/inbox/api/events', { timeout: 15_000 }).then(
    (r) => r.status(),
    () => null,
  );
  await page.goto(url, { waitUntil: 'commit' });
  await seenTimes(page, [target]);
  const status = await eventsOpened;
  if (status !== 200) throw new Error(status === null ? "the app opened no events stream within 15 s" : `the app's events stream answered ${status}`);
  await sleep(500);
}

/** POST /webhooks/whatsapp from customer 0 of the main number; throws unless answered 200. */
async function postCustomerMessage(world: InboxWorld, wamid: string, text: string): Promise<{ sentAt: number; ackedAt: number }> {
  const waId = customerWaId(0);
  const message: TextMessage = { from: waId, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } };
  const body = webhookBody(world.main.number, { waId, name: customerName(0) }, [message]);
  const signature = `sha256=${createHmac('sha256', world.main.appSecret).update(body).digest('hex')}`;
  const sentAt = Date.now();
  const res = await fetch(`${world.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  const answer = await res.text();
  const ackedAt = Date.now();
  if (res.status !== 200) throw new Error(`POST /webhooks/whatsapp answered ${res.status}: ${answer.slice(0, 300)}`);
  return { sentAt, ackedAt };
}
