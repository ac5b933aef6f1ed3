/**
 * `npm run bench [-- --dialect sqlite|postgres|both --messages N --duration S --connections C --postgres-autovacuum on]`
 *
 * For each dialect: a fresh database, a generated history of N messages, the gateway in a child
 * process, and four autocannon runs from this process: (a) the fixed-JSON baseline route, (b) GET
 * message by id, (c) signed ingest with 1 message per payload, (d) with 50. Then the gateway stops
 * and the bare server (bench/bare/: the same work with node:http and prepared statements) takes
 * the same database through (b), (c) and (d) (`--bare without` skips it). Prints the measured
 * figures, product ÷ bare beside product ÷ fixed JSON, and the issues' targets as ratios measured
 * in the same run (perf-ceilings.md: absolute figures move 15–20% from run to run on these
 * machines; ratios in one run do not).
 */
import { cpus as listCpus, totalmem } from 'node:os';
import { benchDialect, type DialectReport } from './dialect-bench.ts';
import { parseOptions, USAGE } from './options.ts';
import { withPostgresAutovacuum } from './postgres-autovacuum.ts';
import { formatReport } from './report.ts';

const options = parseOptions(process.argv.slice(2));
const started = performance.now();
const reports: DialectReport[] = [];
const failures: string[] = [];
const restoreAutovacuum = options.dialects.includes('postgres') ? await withPostgresAutovacuum(options.postgresUrl, options.postgresAutovacuum, USAGE) : async () => undefined;
for (const dialect of options.dialects) {
  try {
    const report = await benchDialect(dialect, options);
    reports.push(report);
    if (report.failure || report.bare?.failure) failures.push(dialect);
  } catch (err) {
    // One dialect failing (say, PostgreSQL unreachable) still leaves the other's figures worth printing.
    console.error(`${dialect}: bench failed: ${(err as Error).stack ?? String(err)}`);
    failures.push(dialect);
  }
}
await restoreAutovacuum();
const cpus = listCpus();
console.log(
  `\n${new Date().toISOString()}: node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB; bench took ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);
console.log(formatReport(reports, options));
if (failures.length > 0) {
  console.log(`\nFAILED: ${failures.join(', ')} (see the errors above)`);
  process.exitCode = 1;
}
