import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { applyRecipientChange, insertRecipients } from '../../src/broadcasts/recipient-store.ts';
import { insertBroadcast } from '../../src/broadcasts/store.ts';
import { customersTakingNoRoom, messagingLimitRoom } from '../../src/broadcasts/messaging-limit-store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const TEMPLATE = JSON.stringify({ id: '1', name: 't', language: 'en_US', category: 'MARKETING', status: 'APPROVED', parameter_format: 'POSITIONAL', components: [] });
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 7, 12);

/**
 * Meta counts the unique customers a number reaches outside a customer-service window over a
 * moving 24 h (meta-cloud-api.md §5.4). Real broadcast sends and real inbound webhooks make the
 * rows; the count is read as the worker reads it.
 */
describe.each(dialects)('the room left under a number’s messaging limit (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  type Tenant = Awaited<ReturnType<typeof newTenant>>;
  /** A broadcast from the number whose recipients were sent to at the given times. */
  async function sent(t: Tenant, sends: Array<[customer: string, atMs: number | null]>) {
    const db = gw.deps.database.db;
    const broadcast = await insertBroadcast(db, { id: randomUUID(), project_id: t.projectId, phone_number_id: t.phoneNumberId, name: 'b', template: TEMPLATE, created_at: 0 });
    const rows = sends.map(([customer]) => ({ id: randomUUID(), phone_number: customer, components: '[]', send_tag: `sbb_${randomUUID()}` }));
    await insertRecipients(db, broadcast, rows, 0);
    for (const [i, [, at]] of sends.entries()) {
      if (at !== null) await applyRecipientChange(db, rows[i]!.id, { kind: 'sent', at, wamid: `wamid.${randomUUID()}` }, at);
    }
  }
  /** The customer writes to the number at `atMs` (an inbound webhook, as Meta posts it). */
  async function wrote(t: Tenant, customer: string, atMs: number) {
    const body = messagesWebhook(t.phoneNumberId, [textMessage(`wamid.in-${randomUUID()}`, 'hello', Math.floor(atMs / 1000), customer)], customer);
    expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);
  }

  /** c1 left the window, c3 had written, c5 is not sent yet; c2 (twice), c4 and c7 count. */
  async function busyNumber() {
    const t = await newTenant(gw);
    const other = await newTenant(gw);
    await sent(t, [['15550000001', NOW - 25 * HOUR], ['15550000002', NOW - 23 * HOUR], ['15550000003', NOW - 2 * HOUR], ['15550000004', NOW - HOUR], ['15550000005', null], ['15550000007', NOW - 5 * HOUR]]);
    await sent(t, [['15550000002', NOW - 10 * HOUR]]);
    await sent(other, [['15550000006', NOW - HOUR]]);
    await wrote(t, '15550000003', NOW - 3 * HOUR);
    await wrote(t, '15550000004', NOW - 30 * HOUR);
    // A window is per number: writing to another number opens none with this one.
    await wrote(other, '15550000007', NOW - 6 * HOUR);
    return t;
  }

  it('counts each customer reached outside a window once, and frees one when their latest counted send is 24 h old', async () => {
    const t = await busyNumber();
    const db = gw.deps.database.db;
    expect(await messagingLimitRoom(db, t.phoneNumberId, 3, NOW)).toEqual({ limit: 3, used: 3, room: 0, nextFreeAt: NOW + 14 * HOUR });
    expect(await messagingLimitRoom(db, t.phoneNumberId, 250, NOW)).toMatchObject({ used: 3, room: 247 });
    // c2's first send at -23 h has left the window, but their send at -10 h still counts them.
    expect(await messagingLimitRoom(db, t.phoneNumberId, 3, NOW + 2 * HOUR)).toMatchObject({ used: 3, room: 0 });
    expect(await messagingLimitRoom(db, t.phoneNumberId, 3, NOW + 14 * HOUR)).toEqual({ limit: 3, used: 2, room: 1, nextFreeAt: NOW + 19 * HOUR });
  });

  it('counts nothing for a number without broadcast sends, and does not count an unlimited number', async () => {
    const t = await newTenant(gw);
    const db = gw.deps.database.db;
    expect(await messagingLimitRoom(db, t.phoneNumberId, 250, NOW)).toEqual({ limit: 250, used: 0, room: 250, nextFreeAt: null });
    expect(await messagingLimitRoom(db, (await busyNumber()).phoneNumberId, Infinity, NOW)).toEqual({ limit: Infinity, used: 0, room: Infinity, nextFreeAt: null });
  });

  it('names the customers a send takes no room for: counted already, or writing within the last 24 h', async () => {
    const t = await busyNumber();
    const asked = ['15550000001', '15550000002', '15550000003', '15550000004', '15550000005', '15550000006', '15550000007', '15550000008'];
    const free = await customersTakingNoRoom(gw.deps.database.db, t.phoneNumberId, asked, NOW);
    expect([...free].sort()).toEqual(['15550000002', '15550000003', '15550000004', '15550000007']);
    expect(await customersTakingNoRoom(gw.deps.database.db, t.phoneNumberId, [], NOW)).toEqual(new Set());
  });
});
