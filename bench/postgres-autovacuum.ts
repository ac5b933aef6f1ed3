import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * Sets the PostgreSQL server's autovacuum for a bench's runs (`--postgres-autovacuum on`) and
 * returns how to put it back; prints the setting in force either way, since it moves PostgreSQL's
 * figures a lot (a 100,000-recipient broadcast: 0.80 × with it off, 0.945 × on, BENCHMARKS.md).
 * This project's machines and CI run PostgreSQL with it off; production servers run it on.
 */
export async function withPostgresAutovacuum(url: string, wanted: string | undefined, usage: string): Promise<() => Promise<void>> {
  if (wanted !== undefined && wanted !== 'on') throw new Error(`--postgres-autovacuum: ${wanted}\n${usage}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const setting = async () => (await admin.query<{ autovacuum: string }>('show autovacuum')).rows[0]?.autovacuum;
  const before = await setting();
  const changed = wanted === 'on' && before !== 'on';
  if (changed) {
    await admin.query('alter system set autovacuum = on');
    await admin.query('select pg_reload_conf()');
    await sleep(500);
  }
  console.log(`PostgreSQL autovacuum: ${await setting()}${changed ? ' (turned on for these runs)' : ''}`);
  return async () => {
    if (changed) {
      await admin.query('alter system reset autovacuum');
      await admin.query('select pg_reload_conf()');
    }
    await admin.end();
  };
}
