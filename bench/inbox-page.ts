import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { InboxWorld } from './inbox-world.ts';

/** Debian's Chromium, as the inbox's browser tests drive it. */
const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: bench machines run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Something the page watches for: text inside an element matching `within`. */
export interface WatchTarget {
  key: string;
  within: string;
  text: string;
  /** A leaf element whose whole text is `text` (a name), rather than text anywhere inside. */
  exact?: boolean;
}

/**
 * Runs in the page before its own scripts (as a string: the bench's TypeScript is transpiled with
 * helpers that do not exist in the page). A MutationObserver notes, in `window.__bench`, the
 * wall-clock time (Date.now(), the clock this process reads too) of the first animation frame
 * after each target appeared, and of each live message `inboxbenchlive number N` added to the
 * thread (`[role="log"]`). Observing mutations instead of polling from here adds no delay of its own.
 */
function watcherScript(targets: WatchTarget[]): string {
  return `(() => {
  const targets = ${JSON.stringify(targets)};
  const bench = { seen: {}, live: {} };
  window.__bench = bench;
  const found = (t) => {
    for (const root of document.querySelectorAll(t.within)) {
      if (!t.exact && root.textContent.includes(t.text)) return true;
      if (t.exact) for (const el of root.querySelectorAll('*')) if (el.childElementCount === 0 && el.textContent.trim() === t.text) return true;
    }
    return false;
  };
  const stamp = (record, key) => {
    if (key in record) return;
    record[key] = null;
    requestAnimationFrame(() => { record[key] = Date.now(); });
  };
  const onMutations = (records) => {
    for (const t of targets) if (!(t.key in bench.seen) && found(t)) stamp(bench.seen, t.key);
    for (const r of records) {
      for (const node of r.type === 'characterData' ? [r.target] : r.addedNodes) {
        const el = node.nodeType === 1 ? node : node.parentElement;
        if (!el || !el.closest('[role="log"]')) continue;
        for (const m of (node.textContent || '').matchAll(/inboxbenchlive number (\\d+)/g)) stamp(bench.live, m[1]);
      }
    }
  };
  new MutationObserver(onMutations).observe(document, { childList: true, subtree: true, characterData: true });
})();`;
}

/** A fresh context (empty cache, like a first visit) holding the member's session cookie, and a page watching for `targets`. */
export async function openWatchedPage(browser: Browser, world: InboxWorld, targets: WatchTarget[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const value = world.cookie.slice(world.cookie.indexOf('=') + 1);
  await context.addCookies([{ name: 'switchboard_session', value, url: world.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  await context.addInitScript({ content: watcherScript(targets) });
  return { context, page: await context.newPage() };
}

/** Waits until every target was seen; returns when each was (Date.now() in the page), by key. */
export async function seenTimes(page: Page, targets: WatchTarget[], timeoutMs = 30_000): Promise<Record<string, number>> {
  const keys = JSON.stringify(targets.map((t) => t.key));
  try {
    await waitInPage(page, `${keys}.every((k) => typeof window.__bench?.seen[k] === 'number')`, timeoutMs);
  } catch (err) {
    const seen = ((await page.evaluate('window.__bench?.seen ?? {}').catch(() => ({}))) ?? {}) as Record<string, number>;
    const missing = targets.filter((t) => typeof seen[t.key] !== 'number').map((t) => `"${t.text.slice(0, 40)}" in ${t.within}`);
    const shown = ((await page.evaluate('document.body?.innerText ?? ""').catch(() => '')) as string).replace(/\s+/g, ' ').slice(0, 300);
    throw new Error(`not shown within ${timeoutMs / 1000} s at ${page.url()}: ${missing.join(', ')}; the page shows: ${shown} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, { cause: err });
  }
  return (await page.evaluate('window.__bench.seen')) as Record<string, number>;
}

/** When live message `n` appeared in the open thread (Date.now() in the page), or null if not within `timeoutMs`. */
export async function liveSeenAt(page: Page, n: number, timeoutMs: number): Promise<number | null> {
  try {
    await waitInPage(page, `typeof window.__bench?.live['${n}'] === 'number'`, timeoutMs);
  } catch {
    return null;
  }
  return (await page.evaluate(`window.__bench.live['${n}']`)) as number;
}

/**
 * Polls `expression` until it is true. Not page.waitForFunction: it evaluates a string with eval
 * in the page, which the inbox's Content-Security-Policy (script-src 'self') rightly refuses, while
 * page.evaluate goes through the DevTools protocol. The polling interval costs the figures
 * nothing: the page stamps the times itself.
 */
async function waitInPage(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`${expression} still false after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
