/**
 * `npm run bench:history`: the history lists at 10,000 and at 1,000,000 stored messages
 * (issue "History API…", performance), on SQLite and PostgreSQL.
 *
 * Each size gets a fresh database with 20 numbers and 50,000 conversations (customers), the
 * messages spread evenly over them, generated with the drivers; the gateway runs in a child
 * process. Measured from this process: median latency of a first page of 50 messages, of the
 * page reached after 199 `next` cursors (page 200), and of a first page of 50 conversations
 * (sequential requests); then, at 50 connections with autocannon, messages served per second
 * through pages of 50 against GET-by-id in the same run.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import type { BenchDatabase } from './database.ts';
import { planDataset } from './dataset.ts';
import { createPostgresDatabase } from './postgres-database.ts';
import { runCli, startServer } from './processes.ts';
import { createSqliteDatabase } from './sqlite-database.ts';

const NUMBERS = 20;
const CONVERSATIONS = 50_000;
const SAMPLES = 60;
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sizes = [10_000, 1_000_000];
const dialects = (process.argv.includes('--dialect') ? [process.argv[process.argv.indexOf('--dialect') + 1]] : ['sqlite', 'postgres']) as Array<'sqlite' | 'postgres'>;

interface SizeResult {
  firstPageMs: number;
  page200Ms: number;
  /** The page `page200Ms` measured: 200, or the last page when there are fewer. */
  depth: number;
  conversationsMs: number;
  pageMessagesPerSecond: number;
  getMessagesPerSecond: number;
}

const results = new Map<string, SizeResult>();
for (const dialect of dialects) {
  for (const size of sizes) {
    console.error(`[${new Date().toISOString().slice(11, 19)}] ${dialect}: ${size.toLocaleString('en')} messages…`);
    results.set(`${dialect}:${size}`, await measure(dialect === 'sqlite' ? createSqliteDatabase() : createPostgresDatabase(PG_URL), size));
  }
}
report();

async function measure(db: BenchDatabase, size: number): Promise<SizeResult> {
  const env = { DATABASE_URL: db.url, SWITCHBOARD_SECRET: randomBytes(24).toString('base64url') };
  try {
    await runCli(['migrate'], env);
    const created = JSON.parse(await runCli(['projects', 'create', '--name', 'history-bench', '--json'], env)) as { project: { id: string }; api_key: string };
    const numbers = Array.from({ length: NUMBERS }, (_, i) => String(106540352200000 + i));
    await Promise.all(
      numbers.map((id, i) =>
        runCli(['numbers', 'add', '--project', created.project.id, '--phone-number-id', id, '--display-phone-number', `1555010${String(i).padStart(4, '0')}`,
          '--waba-id', '102290129340398', '--access-token', 't', '--app-secret', 's', '--verify-token', `v${id}`, '--json'], env),
      ),
    );
    await db.open();
    const plans = numbers.map((id) => planDataset(id, size / NUMBERS, CONVERSATIONS / NUMBERS));
    for (const plan of plans) await db.generate(plan);
    const server = await startServer(env, { cpuProfileDir: null, label: `history-${size}` });
    try {
      const base = server.baseUrl;
      const headers = { 'x-api-key': created.api_key };
      const pn = numbers[0]!;
      const firstPage = `${base}/v24.0/${pn}/messages?limit=50`;
      // Page 200 at 1M; at 10k a number holds 500 messages, so its last page (10) is the deepest.
      let url = firstPage;
      let depth = 1;
      for (; depth < 200; depth++) {
        const body = (await (await fetch(url, { headers })).json()) as { paging: { next: string | null } };
        if (!body.paging.next) break;
        url = body.paging.next;
      }
      const result: SizeResult = {
        firstPageMs: await medianMs(firstPage, headers),
        page200Ms: await medianMs(url, headers),
        depth,
        conversationsMs: await medianMs(`${base}/v24.0/${pn}/conversations?limit=50`, headers),
        pageMessagesPerSecond: 0,
        getMessagesPerSecond: 0,
      };
      const wamids = plans[0]!.wamids;
      const pages = await autocannon({ url: base, connections: 50, duration: 6, requests: [{ method: 'GET', path: `/v24.0/${pn}/messages?limit=50`, headers }] });
      let i = 0;
      const gets = await autocannon({
        url: base,
        connections: 50,
        duration: 6,
        requests: [{ method: 'GET', headers, setupRequest: (r) => ({ ...r, path: `/v24.0/${pn}/messages/${encodeURIComponent(wamids[i++ % wamids.length]!)}` }) }],
      });
      if (pages.non2xx > 0 || gets.non2xx > 0) throw new Error(`non-2xx answers: pages ${pages.non2xx}, gets ${gets.non2xx}`);
      result.pageMessagesPerSecond = pages.requests.average * 50;
      result.getMessagesPerSecond = gets.requests.average;
      return result;
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}

/** Median latency of sequential GETs of one URL, after a short warm-up. */
async function medianMs(url: string, headers: Record<string, string>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES + 10; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    if (i >= 10) samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

function report(): void {
  console.log(`\n### History lists (${new Date().toISOString()}, node ${process.version}; ${NUMBERS} numbers, ${CONVERSATIONS.toLocaleString('en')} conversations)\n`);
  console.log('| dialect | stored messages | first page of 50, ms | deepest page (n), ms | conversations page, ms | msgs/s via pages of 50 | msgs/s via GET by id |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [key, r] of results) {
    const [dialect, size] = key.split(':');
    console.log(`| ${dialect} | ${Number(size).toLocaleString('en')} | ${r.firstPageMs.toFixed(2)} | ${r.page200Ms.toFixed(2)} (${r.depth}) | ${r.conversationsMs.toFixed(2)} | ${r.pageMessagesPerSecond.toFixed(0)} | ${r.getMessagesPerSecond.toFixed(0)} |`);
  }
  console.log('\n| dialect | target | measured | met |\n|---|---|---:|---|');
  for (const dialect of dialects) {
    const small = results.get(`${dialect}:10000`);
    const large = results.get(`${dialect}:1000000`);
    if (!small || !large) continue;
    const rows: Array<[string, number, number]> = [
      ['first page of 50 messages, 1M ÷ 10k ≤ 1.3', large.firstPageMs / small.firstPageMs, 1.3],
      [`page ${large.depth} by cursors at 1M ÷ page ${small.depth} (the last) at 10k ≤ 1.3`, large.page200Ms / small.page200Ms, 1.3],
      ['page of 50 conversations, 1M ÷ 10k ≤ 1.3', large.conversationsMs / small.conversationsMs, 1.3],
    ];
    for (const [what, value, bound] of rows) console.log(`| ${dialect} | ${what} | ${value.toFixed(2)} | ${value <= bound ? 'yes' : '**no**'} |`);
    const batching = large.pageMessagesPerSecond / large.getMessagesPerSecond;
    console.log(`| ${dialect} | messages/s through pages ≥ 4 × GET by id (at 1M) | ${batching.toFixed(1)} × | ${batching >= 4 ? 'yes' : '**no**'} |`);
  }
}
