import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';
import { committedReaderOf } from '../../src/db/executor.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { isStoreUnavailable } from '../../src/db/unavailable.ts';

/**
 * On SQLite, reads of committed data (GET by id, indexed list pages, searches) run on a read-only
 * connection in a thread of their own (db/sqlite-reader-thread.ts): while one runs, the main
 * thread goes on answering, and a read sees everything committed before it was asked for.
 */
describe('SQLite committed-data reads on their own thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-reader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const open = async (name: string) => {
    const database = connectDatabase(`sqlite:${join(dir, name)}`);
    await migrateToLatest(database);
    const reader = committedReaderOf(database.db);
    if (!reader) throw new Error('a SQLite file store has a committed-data reader');
    return { database, reader };
  };

  it('keeps the event loop turning while a long read runs', async () => {
    const { database, reader } = await open('long.db');
    // About a second of SQLite work on the reader's connection.
    const long = reader.read<{ n: number }>('with recursive c(i) as (select 1 union all select i + 1 from c where i < 5000000) select count(*) as n from c', [], { prepared: false });
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(Date.now()), 5);
    const [row] = await long;
    clearInterval(timer);
    expect(row?.n).toBe(5_000_000);
    // A synchronous read would have held the loop: no tick until it returned.
    expect(ticks.length).toBeGreaterThan(10);
    await database.close();
  });

  it('answers reads asked for together, each with its own rows, in any mix of statements', async () => {
    const { database, reader } = await open('mix.db');
    await database.db.insertInto('projects').values({ id: 'p1', name: 'one', created_at: 1 }).execute();
    const reads = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0 ? reader.read<{ v: number }>('select ? as v', [i], { prepared: true }) : reader.read<{ name: string }>('select name from projects where id = ?', ['p1'], { prepared: true }),
    );
    const answers = await Promise.all(reads);
    answers.forEach((rows, i) => expect(rows).toEqual(i % 2 === 0 ? [{ v: i }] : [{ name: 'one' }]));
    await database.close();
  });

  it('sees what was committed before the read was asked for', async () => {
    const { database, reader } = await open('fresh.db');
    for (let i = 0; i < 20; i++) {
      await database.db.insertInto('projects').values({ id: `p${i}`, name: `n${i}`, created_at: i }).execute();
      const rows = await reader.read<{ n: number }>('select count(*) as n from projects', [], { prepared: true });
      expect(rows[0]?.n).toBe(i + 1);
    }
    await database.close();
  });

  it('fails a bad read alone, with SQLite’s message and code, and keeps serving the others', async () => {
    const { database, reader } = await open('errors.db');
    const bad = reader.read('select * from no_such_table', [], { prepared: false });
    const good = reader.read<{ v: number }>('select 1 as v', [], { prepared: false });
    await expect(bad).rejects.toMatchObject({ message: expect.stringContaining('no such table: no_such_table'), code: 'SQLITE_ERROR' });
    expect(await good).toEqual([{ v: 1 }]);
    await database.close();
  });

  it('reports a store that cannot be read as unavailable (503), not as a bug', async () => {
    const file = join(dir, 'gone.db');
    const database = connectDatabase(`sqlite:${file}`);
    // The writing connection keeps the file it opened; the reader, opening on first read, finds none.
    rmSync(file);
    const failure = await committedReaderOf(database.db)?.read('select 1', [], { prepared: false }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'SQLITE_CANTOPEN' });
    expect(isStoreUnavailable(failure)).toBe(true);
    await database.close();
  });

  it('finishes the reads in flight before closing', async () => {
    const { database, reader } = await open('close.db');
    const inFlight = reader.read<{ n: number }>('with recursive c(i) as (select 1 union all select i + 1 from c where i < 2000000) select count(*) as n from c', [], { prepared: false });
    await database.close();
    expect((await inFlight)[0]?.n).toBe(2_000_000);
  });
});
