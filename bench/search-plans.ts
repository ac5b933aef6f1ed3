/**
 * `npm run bench:search-plans [-- --messages N --samples N]`: full-text search on SQLite, a common
 * word against a rare one, through each of the store's two plans (src/messages/search-plan.ts) on
 * the same data, in the same sitting. The history is generated as bench:inbox does (bench/dataset.ts,
 * two numbers of one project, 90 % / 10 % of the messages); a rare word is added to 1 message of
 * 10,000. Each search calls searchMessages in this process (no HTTP), the inbox's page of 30, on
 * the project and on the larger number. Prints a markdown table of p50 / max ms per plan:
 * `chosen` (what the store picks), `index` (the index plan forced: every match joined and sorted)
 * and `walk` (the time-ordered walk forced, falling back to the index when it cannot tell).
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { connectDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { type SqliteSearchPlan } from '../src/messages/search-plan.ts';
import { parseSearchText } from '../src/messages/search-query.ts';
import { planSqliteSearch, type SearchScope, searchMessages } from '../src/messages/search-store.ts';
import { planDataset } from './dataset.ts';
import { positiveInt } from './options.ts';
import { createSqliteDatabase } from './sqlite-database.ts';

const USAGE = 'usage: npm run bench:search-plans -- [--messages N] [--samples N]\n  defaults: 200000 messages, 10 samples per figure (after 2 unmeasured)';
const { values } = parseArgs({ args: process.argv.slice(2), options: { messages: { type: 'string', default: '200000' }, samples: { type: 'string', default: '10' }, help: { type: 'boolean', default: false } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const messages = positiveInt('messages', values.messages, USAGE);
const samples = positiveInt('samples', values.samples, USAGE);
const PAGE = 30;
const RARE_WORD = 'zanzibar';
const TERMS = [
  { q: 'order', what: 'a word in nearly every message' },
  { q: 'ship Portugal', what: 'two words, about half the messages' },
  { q: RARE_WORD, what: 'a word in 1 message of 10,000' },
  { q: 'zebra', what: 'a word in no message' },
];
const PLANS: Array<[string, SqliteSearchPlan | undefined]> = [['chosen', undefined], ['index', { kind: 'index' }], ['walk', { kind: 'walk', candidatesPerNumber: 31 * 32 }]];

const bench = createSqliteDatabase();
const database = connectDatabase(bench.url);
try {
  await migrateToLatest(database);
  const { db } = database;
  await db.insertInto('projects').values({ id: 'bench', name: 'search-plans', created_at: 0 }).execute();
  const numbers = ['106540352242922', '106540352242923'];
  for (const id of numbers) {
    await sql`insert into phone_numbers (id, project_id, display_phone_number, waba_id, access_token_enc, app_secret_enc, verify_token_hash, created_at, is_sandbox)
      values (${id}, 'bench', '15550100100', '102290129340398', '', '', '', 0, 0)`.execute(db);
  }
  await bench.open();
  const started = performance.now();
  await bench.generate(planDataset(numbers[0] as string, Math.round(messages * 0.9), 900));
  await bench.generate(planDataset(numbers[1] as string, messages - Math.round(messages * 0.9), 100));
  await sql`update messages set content = content || ${` ${RARE_WORD}`} where seq % 10000 = 17`.execute(db);
  console.log(`generated ${messages.toLocaleString('en-US')} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const scopes: Array<[string, SearchScope]> = [['project', { projectId: 'bench' }], ['one number', { projectId: 'bench', phoneNumberId: numbers[0] }]];
  console.log(`\n| search (page of ${PAGE}) | scope | plan chosen | ${PLANS.map(([name]) => `${name} p50 / max ms`).join(' | ')} |`);
  console.log(`|---|---|---|${PLANS.map(() => '---:').join('|')}|`);
  for (const { q, what } of TERMS) {
    const terms = parseSearchText(q);
    for (const [scopeName, scope] of scopes) {
      const window = { start: { kind: 'first' as const }, limit: PAGE + 1 };
      const chosen = await planSqliteSearch(db, scope, terms, window.limit);
      const cells: string[] = [];
      for (const [, plan] of PLANS) {
        const times: number[] = [];
        for (let i = 0; i < samples + 2; i++) {
          const t = performance.now();
          await searchMessages(db, scope, terms, {}, window, { sqlitePlan: plan });
          if (i >= 2) times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        cells.push(`${(times[Math.floor(times.length / 2)] ?? 0).toFixed(1)} / ${(times.at(-1) ?? 0).toFixed(1)}`);
      }
      console.log(`| "${q}" (${what}) | ${scopeName} | ${chosen.kind} | ${cells.join(' | ')} |`);
    }
  }
  console.log(`\nCommand: \`npm run bench:search-plans -- --messages ${messages} --samples ${samples}\``);
} finally {
  await database.close();
  await bench.drop();
}
