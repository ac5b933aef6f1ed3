import type { GenerationTiming } from './database.ts';
import type { FirstScreenApi, SearchFigure } from './inbox-api.ts';
import type { FirstScreenBrowser, ThreadScroll } from './inbox-browser.ts';
import type { Latency } from './inbox-latency.ts';
import { percentile } from './inbox-latency.ts';
import type { LiveFigures } from './inbox-live.ts';
import type { BenchDialect } from './options.ts';

/** A part of the bench: its figures, or why it has none. */
export type Part<T> = { ok: true; value: T } | { ok: false; error: string; skipped?: boolean };

/** Everything measured on one dialect. */
export interface InboxDialectResult {
  dialect: BenchDialect;
  conversations: number;
  messages: number;
  generation: GenerationTiming | null;
  api: Part<FirstScreenApi>;
  firstScreen: Part<FirstScreenBrowser>;
  scroll: Part<ThreadScroll>;
  live: Part<LiveFigures>;
  search: Part<SearchFigure[]>;
}

/** Each part of a result with its name. */
export function partsOf(r: InboxDialectResult): Array<[string, Part<unknown>]> {
  return [['api', r.api], ['first screen', r.firstScreen], ['thread scroll', r.scroll], ['live', r.live], ['search', r.search]];
}

const FIRST_SCREEN_TARGET_MS = 1000;
const LIVE_TARGET_MS = 300;

const ms = (n: number): string => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(1)) : '–');
const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
const median = (values: readonly number[]): number => percentile(sorted(values), 50);
const dialectName = (d: BenchDialect): string => (d === 'sqlite' ? 'SQLite' : 'PostgreSQL');

/** p50 / p99, and how many samples when a slow route was cut short (inbox-latency.ts). */
function latency(l: Latency, requested: number): string {
  if (l.status !== 200) return `answered ${l.status}`;
  return `${ms(l.p50Ms)} / ${ms(l.p99Ms)}${l.samples < requested ? ` (${l.samples} samples in 30 s)` : ''}`;
}

function cell<T>(part: Part<T>, show: (value: T) => string): string {
  if (part.ok) return show(part.value);
  return part.skipped ? 'not run' : `failed: ${part.error.split('\n')[0]?.slice(0, 120)}`;
}

/** `median (min–max)` of the loads. */
function loads(values: readonly number[]): string {
  const s = sorted(values);
  return `${ms(median(s))} (${ms(s[0] ?? Number.NaN)}–${ms(s.at(-1) ?? Number.NaN)})`;
}

/** Median and p95 of the seen ones, and how many were not seen within 10 s. */
function spread(values: ReadonlyArray<number | null>): { median: number; p95: number; missing: number; text: string } {
  const seen = sorted(values.filter((v): v is number => v !== null));
  const missing = values.length - seen.length;
  const m = percentile(seen, 50);
  const p95 = percentile(seen, 95);
  return { median: m, p95, missing, text: `${ms(m)} / ${ms(p95)}${missing > 0 ? ` (${missing} of ${values.length} not seen in 10 s)` : ''}` };
}

function olderPages(s: ThreadScroll): string {
  if (s.olderPages.length === 0) return '–';
  const requests = [...new Set(s.olderPages.map((p) => p.requests))].join('/');
  const per = [...new Set(s.olderPages.map((p) => p.messages))].join('/');
  return `${s.olderPages.length} pages: ${requests} request(s) and ${per} messages each, median ${ms(median(s.olderPages.map((p) => p.ms)))} ms (max ${ms(Math.max(...s.olderPages.map((p) => p.ms)))}); ${s.olderPages.at(-1)?.rendered} rendered after`;
}

/** Rows of [measure, per dialect cell, target, met per dialect]. */
function rows(results: InboxDialectResult[], n: number): Array<[string, string[], string, string[]]> {
  const each = (show: (r: InboxDialectResult) => string) => results.map(show);
  const met = (test: (r: InboxDialectResult) => boolean | null) => results.map((r) => ({ true: 'yes', false: '**no**', null: '–' })[String(test(r)) as 'true' | 'false' | 'null']);
  const out: Array<[string, string[], string, string[]]> = [
    ['seeding: insert s (+ settle s)', each((r) => (r.generation ? `${r.generation.insertSeconds.toFixed(1)} (+ ${r.generation.settleSeconds.toFixed(1)})` : '–')), 'reported', each(() => '–')],
    ['API: `GET /inbox/api/conversations` first page of 30, p50 / p99 ms', each((r) => cell(r.api, (a) => latency(a.conversations, n))), 'reported', each(() => '–')],
    ['API: a thread\'s first page of 40 (≈ messages ÷ conversations in it), p50 / p99 ms', each((r) => cell(r.api, (a) => latency(a.threadPage, n))), 'reported', each(() => '–')],
    ['API: the long thread\'s first page of 40, p50 / p99 ms', each((r) => cell(r.api, (a) => latency(a.longThreadPage, n))), 'reported', each(() => '–')],
    ['Chromium, cold (fresh context): `goto /` → first contact name shown, median (min–max) ms', each((r) => cell(r.firstScreen, (f) => loads(f.listMs))), `≤ ${FIRST_SCREEN_TARGET_MS} ms`,
      met((r) => (r.firstScreen.ok ? median(r.firstScreen.value.listMs) <= FIRST_SCREEN_TARGET_MS : null))],
    ['Chromium, warm (assets cached): `goto /` → first contact name shown, median (min–max) ms', each((r) => cell(r.firstScreen, (f) => loads(f.listWarmMs))), `≤ ${FIRST_SCREEN_TARGET_MS} ms`,
      met((r) => (r.firstScreen.ok ? median(r.firstScreen.value.listWarmMs) <= FIRST_SCREEN_TARGET_MS : null))],
    ['Chromium, cold: `goto /c/ID` → first name and the thread\'s newest message shown, median (min–max) ms', each((r) => cell(r.firstScreen, (f) => loads(f.threadMs))), `≤ ${FIRST_SCREEN_TARGET_MS} ms`,
      met((r) => (r.firstScreen.ok ? median(r.firstScreen.value.threadMs) <= FIRST_SCREEN_TARGET_MS : null))],
    ['Chromium, warm: `goto /c/ID` → first name and the thread\'s newest message shown, median (min–max) ms', each((r) => cell(r.firstScreen, (f) => loads(f.threadWarmMs))), `≤ ${FIRST_SCREEN_TARGET_MS} ms`,
      met((r) => (r.firstScreen.ok ? median(r.firstScreen.value.threadWarmMs) <= FIRST_SCREEN_TARGET_MS : null))],
    ['long thread opened: ms to its newest message; requests / messages loaded / rendered (page size asked)',
      each((r) => cell(r.scroll, (s) => `${ms(s.openMs)}; ${s.requestsOnOpen} / ${s.messagesOnOpen} of ${s.threadMessages} / ${s.renderedOnOpen} (limit ${s.pageSize})`)), 'one page only',
      met((r) => (r.scroll.ok ? r.scroll.value.requestsOnOpen === 1 && r.scroll.value.messagesOnOpen < r.scroll.value.threadMessages : null))],
    ['long thread scrolled to the top: per older page', each((r) => cell(r.scroll, olderPages)), 'one page per scroll',
      met((r) => (r.scroll.ok ? r.scroll.value.olderPages.length > 0 && r.scroll.value.olderPages.every((p) => p.requests === 1) : null))],
    ['live: webhook POST → 200, median ms', each((r) => cell(r.live, (l) => ms(median(l.ackMs)))), 'reported', each(() => '–')],
    ['live: 200 → `message` event on `GET /inbox/api/events`, median / p95 ms', each((r) => cell(r.live, (l) => (l.sseMs ? spread(l.sseMs).text : `stream answered ${l.sseStatus}`))), `median ≤ ${LIVE_TARGET_MS} ms`,
      met((r) => (r.live.ok && r.live.value.sseMs ? spread(r.live.value.sseMs).median <= LIVE_TARGET_MS && spread(r.live.value.sseMs).missing === 0 : null))],
    ['live: 200 → text shown in the thread open in Chromium, median / p95 ms', each((r) => cell(r.live, (l) => (l.browserMs ? spread(l.browserMs).text : `failed: ${l.browserError?.slice(0, 120)}`))), `median ≤ ${LIVE_TARGET_MS} ms`,
      met((r) => (r.live.ok && r.live.value.browserMs ? spread(r.live.value.browserMs).median <= LIVE_TARGET_MS && spread(r.live.value.browserMs).missing === 0 : null))],
  ];
  const terms = results.find((r) => r.search.ok)?.search;
  for (const [i, term] of (terms?.ok ? terms.value : []).entries()) {
    const pick = (r: InboxDialectResult) => (r.search.ok ? r.search.value[i] : undefined);
    out.push([`search "${term.q}" (${term.what}): \`/inbox/api/search\` p50 / p99 ms (hits on the first page)`,
      each((r) => (pick(r) ? `${latency(pick(r)!.inbox, n)} (${pick(r)!.inbox.items ?? '–'})` : cell(r.search, () => ''))), 'reported', each(() => '–')]);
    out.push([`search "${term.q}": \`GET /v24.0/{pnid}/messages?q=\` (one number) p50 / p99 ms (hits)`,
      each((r) => (pick(r) ? `${latency(pick(r)!.graph, n)} (${pick(r)!.graph.items ?? '–'})` : cell(r.search, () => ''))), 'reported', each(() => '–')]);
  }
  return out;
}

/** The measured table, then a block ready for BENCHMARKS.md. */
export function formatInboxReport(results: InboxDialectResult[], context: { started: string; machine: string; command: string; samples: number; threadMessages: number }): string {
  const head = `| measure | ${results.map((r) => dialectName(r.dialect)).join(' | ')} | target | ${results.map((r) => `met (${dialectName(r.dialect)})`).join(' | ')} |`;
  const rule = `|---|${results.map(() => '---:|').join('')}---|${results.map(() => '---|').join('')}`;
  const table = [head, rule, ...rows(results, context.samples).map(([what, cells, target, verdicts]) => `| ${what} | ${cells.join(' | ')} | ${target} | ${verdicts.join(' | ')} |`)];
  const sizes = results[0] ? `${results[0].conversations.toLocaleString('en-US')} conversations and ${results[0].messages.toLocaleString('en-US')} messages stored (one thread of ${context.threadMessages.toLocaleString('en-US')})` : '';
  const failures = results.flatMap((r) => partsOf(r).flatMap(([name, part]) => (part.ok || part.skipped ? [] : [`- ${r.dialect} ${name}: ${part.error.split('\n')[0]}`])));
  const explain = [
    `API figures: ${context.samples} sequential requests from the bench process with the member's session cookie, after 10 unmeasured. Chromium: /usr/bin/chromium headless through playwright-core, a fresh context (empty cache) per cold load, then the same path again in it (warm), the session cookie set before \`goto\`; a MutationObserver in the page stamps the first animation frame after the text is in the DOM. Live: customer messages one at a time into the conversation open in Chromium, with an events stream read by undici beside it; times from the webhook's 200 (the message is committed before it).`,
  ];
  return [
    `### Team inbox (\`npm run bench:inbox\`), ${context.started}: ${sizes}`,
    '',
    context.machine,
    '',
    ...table,
    '',
    ...explain,
    ...(failures.length > 0 ? ['', 'Parts that did not run:', ...failures] : []),
    '',
    `Command: \`${context.command}\``,
    '',
    'For the summary table under "What to expect":',
    '',
    summaryRow(results),
  ].join('\n');
}

/** One row for BENCHMARKS.md's "What to expect" table (SQLite and PostgreSQL columns). */
function summaryRow(results: InboxDialectResult[]): string {
  const of = (dialect: BenchDialect): string => {
    const r = results.find((x) => x.dialect === dialect);
    if (!r) return 'not measured';
    const first = r.firstScreen.ok ? `${ms(median(r.firstScreen.value.listMs))} / ${ms(median(r.firstScreen.value.threadMs))} ms` : 'failed';
    const live = r.live.ok ? `${r.live.value.sseMs ? ms(spread(r.live.value.sseMs).median) : '–'} / ${r.live.value.browserMs ? ms(spread(r.live.value.browserMs).median) : '–'} ms` : 'failed';
    const scroll = r.scroll.ok ? `${r.scroll.value.requestsOnOpen} request, ${r.scroll.value.messagesOnOpen} of ${r.scroll.value.threadMessages}` : 'failed';
    return `${first}; ${live}; ${scroll}`;
  };
  const size = results[0] ? `${results[0].conversations.toLocaleString('en-US')} conversations, ${results[0].messages.toLocaleString('en-US')} messages` : '';
  const verdicts = results.map((r) => {
    const first = r.firstScreen.ok && Math.max(median(r.firstScreen.value.listMs), median(r.firstScreen.value.threadMs)) <= FIRST_SCREEN_TARGET_MS;
    const shown = r.live.ok ? r.live.value.browserMs : null;
    const live = !!shown && spread(shown).median <= LIVE_TARGET_MS && spread(shown).missing === 0;
    const scroll = r.scroll.ok && r.scroll.value.requestsOnOpen === 1 && r.scroll.value.olderPages.every((p) => p.requests === 1);
    return `${dialectName(r.dialect)}: ${[first, live, scroll].map((ok) => (ok ? 'yes' : '**no**')).join(', ')}`;
  });
  return `| team inbox, ${size} (\`npm run bench:inbox\`) | first screen in Chromium, cold (list / thread); webhook 200 → live (events stream / shown in Chromium), median; long thread opened | ${of('sqlite')} | ${of('postgres')} | ≤ 1 s; ≤ 300 ms; one page | ${verdicts.join('. ')} |`;
}
