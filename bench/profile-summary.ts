/**
 * `node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--window S] [--units N]`:
 * the hottest functions of a V8 CPU profile (as written by `npm run bench -- --cpu-prof DIR`) by
 * self time, self time summed per package or source folder, and the inclusive time of the
 * gateway's own functions, to name what dominates a run.
 * - `--window S`: only the busiest S seconds of the profile (a server's profile spans its start,
 *   every run and the pauses between them; a measured run is its busiest stretch).
 * - `--units N`: also print each figure as µs per unit, N units in the profile (or the window):
 *   the requests or messages the bench reported for that time.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, window: { type: 'string' }, units: { type: 'string' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--window S] [--units N]');
const whole = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(values.top);
const units = values.units === undefined ? null : Number(values.units);

const byId = new Map(whole.nodes.map((n) => [n.id, n]));
const isIdle = (id: number) => byId.get(id)?.callFrame.functionName === '(idle)';
const profile = values.window === undefined ? whole : busiestWindow(whole, Number(values.window) * 1e6);

const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
const totalMs = [...selfMs.values()].reduce((a, b) => a + b, 0);
const idleMs = [...selfMs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, ms]) => a + ms, 0);

const functions = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const frame = byId.get(id)?.callFrame;
  if (!frame || frame.functionName === '(idle)') continue;
  const where = shortUrl(frame.url);
  const key = `${frame.functionName || '(anonymous)'}  ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
  functions.set(key, (functions.get(key) ?? 0) + ms);
  areas.set(areaOf(frame.url, frame.functionName), (areas.get(areaOf(frame.url, frame.functionName)) ?? 0) + ms);
}

// Inclusive time of the gateway's own functions (src/): each sample counts once per function on its stack.
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node)) {
    const frame = byId.get(node)?.callFrame;
    if (frame && frame.url.includes('/src/')) seen.add(`${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`);
  }
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});

const busyMs = totalMs - idleMs;
const perUnit = (ms: number) => (units ? `${((1000 * ms) / units).toFixed(1).padStart(7)} µs  ` : '');
const pct = (ms: number) => `${perUnit(ms)}${((100 * ms) / busyMs).toFixed(1).padStart(5)}%`;
const span = values.window === undefined ? '' : `, the busiest ${values.window} s`;
console.log(`${file}${span}: ${(totalMs / 1000).toFixed(1)} s sampled, ${(busyMs / 1000).toFixed(1)} s busy (percentages of busy time${units ? `; µs per unit of ${units}` : ''})\n`);
console.log('self time by area:');
for (const [area, ms] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(ms)}  ${area}`);
console.log('\nhottest functions (self time):');
for (const [fn, ms] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(ms)}  ${fn}`);
console.log("\nthe gateway's own functions (src/), inclusive of what they call:");
for (const [fn, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(ms)}  ${fn}`);

/** The samples of the `windowUs`-long stretch with the most busy (not idle) time. */
function busiestWindow(p: Profile, windowUs: number): Profile {
  let best = 0;
  let bestStart = 0;
  let busy = 0;
  let start = 0;
  let elapsed = 0;
  const ends: number[] = [];
  for (let i = 0; i < p.samples.length; i++) {
    elapsed += p.timeDeltas[i] ?? 0;
    ends.push(elapsed);
    if (!isIdle(p.samples[i] as number)) busy += p.timeDeltas[i] ?? 0;
    while ((ends[i] as number) - (ends[start] as number) > windowUs) {
      if (!isIdle(p.samples[start] as number)) busy -= p.timeDeltas[start] ?? 0;
      start++;
    }
    if (busy > best) {
      best = busy;
      bestStart = start;
    }
  }
  let end = bestStart;
  while (end < p.samples.length && (ends[end] as number) - (ends[bestStart] as number) <= windowUs) end++;
  return { ...p, samples: p.samples.slice(bestStart, end), timeDeltas: p.timeDeltas.slice(bestStart, end) };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

/** A package name, a src/ folder, node: internals, or V8's own buckets ((garbage collector), (program)). */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1, url.lastIndexOf('/'));
  if (url.startsWith('node:')) return 'node: internals';
  return url;
}
