import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CustomerInput, customerKeyOf, upsertContacts } from '../../src/contacts/store.ts';
import type { DB } from '../../src/db/schema.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PHONE = '14155550123';
const BSUID = 'US.13491208655302741918';

/**
 * PostgreSQL: two transactions name one customer at once, one by phone and BSUID, the other by
 * one of them. The second waits for the first (on the contact's row or its BSUID's lock) and then
 * finds the contact the first made, completed or joined: one customer, one contact, whatever the
 * order. (SQLite has one writer, so there is no such race there.)
 */
describe.skipIf(!dialects.includes('postgres'))('concurrent messages by phone and by BSUID (postgres)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway('postgres');
  });
  afterAll(() => gw.close());

  const customer = (phoneNumberId: string, who: Partial<CustomerInput>): CustomerInput => ({ phoneNumberId, waId: null, bsuid: null, profileName: 'Maya Chen', now: gw.clock.now(), ...who });

  /** Runs `first` and, once `second` waits on it, commits both; returns their contact ids. */
  async function race(first: CustomerInput, second: CustomerInput): Promise<[string | undefined, string | undefined]> {
    const { db } = gw.deps.database;
    const one = await db.startTransaction().execute();
    const made = await upsertContacts(one, [first]);
    const two = await db.startTransaction().execute();
    const pid = await backendPid(two);
    const waiting = upsertContacts(two, [second]);
    await waitFor('the second transaction waits on the first', async () => {
      const found = await sql<{ wait: string | null }>`select wait_event_type as wait from pg_stat_activity where pid = ${pid}`.execute(db);
      return found.rows[0]?.wait === 'Lock';
    });
    await one.commit().execute();
    const found = await waiting;
    await two.commit().execute();
    return [made.get(customerKeyOf(first))?.id, found.get(customerKeyOf(second))?.id];
  }

  const contactsOf = (phoneNumberId: string) => gw.deps.database.db.selectFrom('contacts').select(['id', 'wa_id', 'business_scoped_user_id']).where('phone_number_id', '=', phoneNumberId).execute();

  it('a phone-only message waits while a known BSUID customer gains that phone, then finds them', async () => {
    const t = await newTenant(gw);
    const known = await upsertContacts(gw.deps.database.db, [customer(t.phoneNumberId, { bsuid: BSUID })]);
    const [joined, byPhone] = await race(customer(t.phoneNumberId, { waId: PHONE, bsuid: BSUID }), customer(t.phoneNumberId, { waId: PHONE }));
    expect(joined).toBe(known.get(customerKeyOf(customer(t.phoneNumberId, { bsuid: BSUID })))?.id);
    expect(byPhone).toBe(joined);
    expect(await contactsOf(t.phoneNumberId)).toEqual([{ id: joined, wa_id: PHONE, business_scoped_user_id: BSUID }]);
  });

  it('a message by phone and BSUID waits for a new BSUID-only customer, then joins them', async () => {
    const t = await newTenant(gw);
    const [byBsuid, both] = await race(customer(t.phoneNumberId, { bsuid: BSUID }), customer(t.phoneNumberId, { waId: PHONE, bsuid: BSUID }));
    expect(both).toBe(byBsuid);
    expect(await contactsOf(t.phoneNumberId)).toEqual([{ id: byBsuid, wa_id: PHONE, business_scoped_user_id: BSUID }]);
  });

  it('two messages by phone and BSUID of a new customer make one contact', async () => {
    const t = await newTenant(gw);
    const both = customer(t.phoneNumberId, { waId: PHONE, bsuid: BSUID });
    const [first, second] = await race(both, both);
    expect(second).toBe(first);
    expect(await contactsOf(t.phoneNumberId)).toHaveLength(1);
  });
});

async function backendPid(trx: Transaction<DB>): Promise<number | undefined> {
  return (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]?.pid;
}
