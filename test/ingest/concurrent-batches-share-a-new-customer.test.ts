import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerKeyOf, upsertContacts } from '../../src/contacts/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * PostgreSQL: two batches name the same new customer at once. The second batch's contact upsert
 * waits on the first's uncommitted row; once that commits, the second finds the contact although
 * its statement's snapshot predates it, and holds the same contact (never a second one).
 */
// Row locks and snapshots are PostgreSQL's (SQLite has one writer); skipped only when a local run
// narrows TEST_DIALECTS to sqlite.
describe.skipIf(!dialects.includes('postgres'))('concurrent batches and a new customer (postgres)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway('postgres');
  });
  afterAll(() => gw.close());

  it('gives the waiting batch the contact the other batch created', async () => {
    const t = await newTenant(gw);
    const { db } = gw.deps.database;
    const customer = { phoneNumberId: t.phoneNumberId, waId: '14155559999', profileName: 'Nia', now: gw.clock.now() };
    const first = await db.startTransaction().execute();
    const created = await upsertContacts(first, [customer]);
    const second = await db.startTransaction().execute();
    const secondPid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(second)).rows[0]?.pid;
    const waiting = upsertContacts(second, [customer, { ...customer, waId: '14155558888', profileName: 'Other' }]);
    // Committing before the second batch waits on the row would test nothing: wait until it does.
    await waitFor('the second batch waits on the first one’s row', async () => {
      const found = await sql<{ wait: string | null }>`select wait_event_type as wait from pg_stat_activity where pid = ${secondPid}`.execute(db);
      return found.rows[0]?.wait === 'Lock';
    });
    await first.commit().execute();
    const found = await waiting;
    await second.commit().execute();
    const key = customerKeyOf({ phoneNumberId: t.phoneNumberId, waId: '14155559999' });
    expect(found.get(key)).toEqual(created.get(key));
    expect(found.get(customerKeyOf({ phoneNumberId: t.phoneNumberId, waId: '14155558888' }))?.profile_name).toBe('Other');
    const rows = await db.selectFrom('contacts').select('id').where('phone_number_id', '=', t.phoneNumberId).execute();
    expect(rows).toHaveLength(2);
  });
});
