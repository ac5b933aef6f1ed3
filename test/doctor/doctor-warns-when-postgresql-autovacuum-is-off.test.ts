import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { autovacuumCheck, checkAutovacuum } from '../../src/doctor/checks-database.ts';
import { dialects, databaseUrlFor } from '../helpers/dialects.ts';
import { serverAutovacuum } from '../helpers/postgres-server.ts';

describe('the autovacuum check', () => {
  it('is ok when the server runs autovacuum', () => {
    expect(autovacuumCheck('on')).toEqual({ name: 'autovacuum', state: 'ok', detail: 'on: the queue tables are cleaned of dead rows as they go' });
  });

  it('warns when it is off, naming the queues that suffer and how to turn it on', () => {
    const r = autovacuumCheck('off');
    expect(r.state).toBe('warn');
    expect(r.detail).toMatch(/^off on this server: the queue tables \(outbox events, webhook deliveries, broadcast recipients\) keep their dead rows/);
    expect(r.fix).toContain('ALTER SYSTEM SET autovacuum = on');
    expect(r.fix).toContain('pg_reload_conf()');
  });

  it.runIf(dialects.includes('sqlite'))('has nothing to say about SQLite', async () => {
    const database = connectDatabase(databaseUrlFor('sqlite', 'autovacuum'), { poolSize: 1 });
    try {
      expect(await checkAutovacuum(database)).toBeNull();
    } finally {
      await database.close();
    }
  });
});

describe.runIf(dialects.includes('postgres'))('the autovacuum check on a PostgreSQL server (postgres)', () => {
  let database: Database;
  let server: string;
  beforeAll(async () => {
    database = connectDatabase(databaseUrlFor('postgres', 'autovacuum'), { poolSize: 1 });
    server = await serverAutovacuum();
  });
  afterAll(() => database.close());

  it('reports the server’s own setting', async () => {
    expect(['on', 'off']).toContain(server);
    expect(await checkAutovacuum(database)).toEqual(autovacuumCheck(server));
  });
});
