import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../src/heap-growth.ts';

const run = promisify(execFile);
const CHURN = fileURLToPath(new URL('../fixtures/heap-churn.ts', import.meta.url));

async function peakHeapMb(mode: 'limited' | 'default'): Promise<number> {
  // NODE_OPTIONS cleared: the operator's choice would win over the limit.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHURN, mode], { env: { ...process.env, NODE_OPTIONS: '' } });
  return (JSON.parse(stdout) as { peakMb: number }).peakMb;
}

describe('the heap of serve and worker', () => {
  it(`grows ${HEAP_GROWING_PERCENT} % past what stays alive, unless the operator sized the heap`, () => {
    expect(heapGrowthFlag('', [])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag('--enable-source-maps', ['--import', 'tsx'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag('--max-old-space-size=512', [])).toBeNull();
    expect(heapGrowthFlag('', ['--heap-growing-percent=100'])).toBeNull();
    expect(heapGrowthFlag('--max_heap_size=300', [])).toBeNull();
  });

  it('stays well below what V8 grows it to on its own, for the same work', async () => {
    const [limited, unlimited] = [await peakHeapMb('limited'), await peakHeapMb('default')];
    // Measured here: about 97 MB against 155–166 MB.
    expect(limited).toBeLessThan(0.8 * unlimited);
  }, 60_000);
});
