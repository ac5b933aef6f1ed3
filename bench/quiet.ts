import { createHash } from 'node:crypto';
import { machineCpuTicks, sleep } from './processes.ts';

const SAMPLE_MS = 1000;

/**
 * Waits (up to `maxWaitMs`) until the machine has been nearly idle for a second, so that a run
 * does not share the 2 cores with, say, a test suite started in the same tree; returns the last
 * busy percentage (of both cores), which the report shows next to each run.
 */
export async function waitForQuietMachine(maxWaitMs: number, busyThresholdPercent = 15): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let warned = false;
  for (;;) {
    const busy = await busyPercentOver(SAMPLE_MS);
    if (busy < busyThresholdPercent || Date.now() >= deadline) return busy;
    if (!warned) console.log(`  machine ${Math.round(busy)}% busy before the run: waiting up to ${Math.round(maxWaitMs / 1000)} s for it to settle`);
    warned = true;
  }
}

async function busyPercentOver(ms: number): Promise<number> {
  const before = machineCpuTicks();
  await sleep(ms);
  const after = machineCpuTicks();
  return (100 * (after.busy - before.busy)) / Math.max(1, after.total - before.total);
}

/**
 * A fixed piece of CPU work (hashing), timed (the median of three): how fast this machine is
 * right now. Its speed has been seen to vary up to 2.5× within a day with nothing else running,
 * which moves every absolute figure; the probe, shown next to each run, says which phase a run
 * was taken in.
 */
export function cpuProbeMs(): number {
  const times = [probeOnce(), probeOnce(), probeOnce()].sort((a, b) => a - b);
  return times[1] as number;
}

function probeOnce(): number {
  const block = Buffer.alloc(1024, 7);
  const started = performance.now();
  let digest = block;
  for (let i = 0; i < 50_000; i++) digest = createHash('sha256').update(block).update(digest).digest();
  return performance.now() - started;
}
