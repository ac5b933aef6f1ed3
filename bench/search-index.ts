/**
 * `npm run bench:search-index [-- <options of run.ts>]`: what the full-text search index of
 * messages (migration 021, docs/api.md "Search") costs ingest. Issue 21 asks for messages to be
 * "indexed at ingest without slowing it measurably".
 *
 * For each dialect the ingest bench (bench/run.ts's ingest1 and ingest50 runs, on a fresh database
 * with a generated history) runs twice: once as migrated, with the index (FTS5 table and triggers
 * on SQLite, GIN index on PostgreSQL), once on a database whose index the bench dropped before
 * generating it. Prints both reports and, per run, msg/s and ack p99 with ÷ without in the same
 * sitting (absolute figures move 15–20 % between runs on these machines; a ratio in one sitting
 * less so). `--rounds N` repeats the pair, alternating which goes first.
 *
 * Defaults differ from run.ts: `--runs ingest1,ingest50 --messages 100000 --bare without` (the
 * bare server's runs would not tell the index's cost); any option given wins.
 */
import { benchDialect, type DialectReport } from './dialect-bench.ts';
import { type BenchOptions, parseOptions, positiveInt, type RunName } from './options.ts';
import { formatReport } from './report.ts';

const INGEST_RUNS: RunName[] = ['ingest1', 'ingest50'];

const { rounds, rest } = takeRounds(process.argv.slice(2));
const base = parseOptions(['--runs', INGEST_RUNS.join(','), '--messages', '100000', '--bare', 'without', ...rest]);

const pairs: Array<{ with: DialectReport; without: DialectReport }> = [];
let failed = false;
for (const dialect of base.dialects) {
  for (let round = 0; round < rounds; round++) {
    const order: Array<'with' | 'without'> = round % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
    const reports: Partial<Record<'with' | 'without', DialectReport>> = {};
    for (const searchIndex of order) {
      const options: BenchOptions = { ...base, dialects: [dialect], searchIndex };
      console.log(`\n== ${dialect}, round ${round + 1}/${rounds}: ${searchIndex} the search index`);
      const report = await benchDialect(dialect, options);
      failed ||= report.failure !== null;
      console.log(formatReport([report], options));
      reports[searchIndex] = report;
    }
    if (reports.with && reports.without) pairs.push({ with: reports.with, without: reports.without });
  }
}

console.log('\n### Ingest with the full-text search index ÷ without, same sitting\n');
console.log('| dialect | round | run | msg/s with | msg/s without | ratio | ack p99 with | ack p99 without |');
console.log('|---|---:|---|---:|---:|---:|---:|---:|');
pairs.forEach((pair, i) => {
  for (const name of base.runs) {
    const a = pair.with.runs[name];
    const b = pair.without.runs[name];
    if (!a?.messagesPerSecond || !b?.messagesPerSecond) continue;
    const ratio = (a.messagesPerSecond / b.messagesPerSecond).toFixed(3);
    console.log(`| ${pair.with.dialect} | ${(i % rounds) + 1} | ${a.label} | ${Math.round(a.messagesPerSecond)} | ${Math.round(b.messagesPerSecond)} | ${ratio} | ${a.latencyP99Ms} ms | ${b.latencyP99Ms} ms |`);
  }
});
if (failed) {
  console.log('\nFAILED: a load run stopped early (see above)');
  process.exitCode = 1;
}

/** `--rounds N` (or `--rounds=N`), this script's own option, and the arguments left for run.ts's parser. */
function takeRounds(argv: string[]): { rounds: number; rest: string[] } {
  let value = '1';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--rounds') value = argv[++i] ?? '';
    else if (arg.startsWith('--rounds=')) value = arg.slice('--rounds='.length);
    else rest.push(arg);
  }
  return { rounds: positiveInt('rounds', value), rest };
}
