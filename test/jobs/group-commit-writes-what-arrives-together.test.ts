import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/jobs/group-commit.ts';

describe('a group commit', () => {
  it('writes the items that arrive together in one batch, and settles each once its batch is written', async () => {
    const batches: number[][] = [];
    const commits = new GroupCommit<number>(async (batch) => {
      batches.push([...batch]);
    });
    const settled: number[] = [];
    await Promise.all([1, 2, 3].map((n) => commits.add(n).then(() => settled.push(n))));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(settled).toEqual([1, 2, 3]);
  });

  it('takes what arrived while a batch was being written into the next batch, at most maxBatch at a time', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const commits = new GroupCommit<number>(async (batch) => {
      batches.push([...batch]);
      if (batches.length === 1) await firstHeld;
    }, 2);
    const first = commits.add(0);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [1, 2, 3].map((n) => commits.add(n));
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[0], [1, 2], [3]]);
  });

  it('with gatherMs, lets items that arrive within it after the first join its batch', async () => {
    const batches: number[][] = [];
    const commits = new GroupCommit<number>(
      async (batch) => {
        batches.push([...batch]);
      },
      200,
      30,
    );
    const first = commits.add(1);
    // Later turns of the event loop, still within the 30 ms.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = commits.add(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const third = commits.add(3);
    await Promise.all([first, second, third]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('rejects the callers of a batch that failed, and goes on with the next', async () => {
    let calls = 0;
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const commits = new GroupCommit<string>(async (batch) => {
      calls++;
      if (calls === 1) {
        await firstHeld;
        throw new Error(`could not write ${batch.join(',')}`);
      }
    });
    const failed = commits.add('a');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const next = commits.add('b');
    release();
    await expect(failed).rejects.toThrow('could not write a');
    await expect(next).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
