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
