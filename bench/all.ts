/**
 * `npm run bench [-- <options of run.ts>]`: the gateway bench (run.ts, which takes the options),
 * then the send, history, webhooks and media benches with their defaults, one after another,
 * stopping at the first that fails. `--help` prints the usage and runs nothing: a chain of
 * `&&`s ran every later bench after run.ts had printed its usage and exited 0.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const LATER = ['bench/send.ts', 'bench/history.ts', 'bench/webhooks.ts', 'bench/media.ts'];

/** Runs one bench script to completion with this terminal; its exit status. */
function run(script: string, scriptArgs: string[] = []): number {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...scriptArgs], { cwd: ROOT, stdio: 'inherit' });
  return result.status ?? 1;
}

if (args.includes('--help')) {
  process.exitCode = run('bench/run.ts', ['--help']);
  console.log(`\nThen, with their own defaults: ${LATER.join(', ')} (each also runs alone: npm run bench:send, …).`);
} else {
  for (const [script, scriptArgs] of [['bench/run.ts', args], ...LATER.map((s) => [s, []])] as Array<[string, string[]]>) {
    const status = run(script, scriptArgs);
    if (status !== 0) {
      console.error(`${script} failed (exit ${status}); the benches after it did not run`);
      process.exitCode = status;
      break;
    }
  }
}
