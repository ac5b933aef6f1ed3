import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { compareAndSet, compareAndSetText } from '../../src/broadcasts/recipient-compare-and-set.ts';
import { planRecipientChange, type RecipientColumns } from '../../src/broadcasts/recipient-changes.ts';
import { insertRecipients } from '../../src/broadcasts/recipient-store.ts';
import { insertBroadcast } from '../../src/broadcasts/store.ts';
import { directTransaction, runsDirectly } from '../../src/db/executor.ts';
import type { BroadcastRecipientRow } from '../../src/db/schema.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const TEMPLATE = JSON.stringify({ id: '1', name: 't', language: 'en_US', category: 'UTILITY', status: 'APPROVED', parameter_format: 'POSITIONAL', components: [] });

describe('the compare-and-set statement of a recipient change (pure)', () => {
  it('sets the planned columns and guards on the status and each timestamp as read', () => {
    expect(compareAndSetText(['delivered_at'], [false, true, true, true])).toBe(
      'update broadcast_recipients set delivered_at = ?, updated_at = ? where id = ? and status = ? and sent_at = ? and delivered_at is null and read_at is null and responded_at is null returning *',
    );
  });

  it('refuses a column no plan sets, so nothing but known names reaches the SQL text', () => {
    expect(() => compareAndSetText(['status', 'id = id; --' as keyof RecipientColumns], [true, true, true, true])).toThrow(/not a recipient column/);
  });
});

describe.each(dialects)('a recipient changes only if it is still as read (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  async function recipient(): Promise<BroadcastRecipientRow> {
    const t = await newTenant(gw);
    const now = gw.clock.now();
    const broadcast = await insertBroadcast(gw.deps.database.db, { id: randomUUID(), project_id: t.projectId, phone_number_id: t.phoneNumberId, name: 'b', template: TEMPLATE, created_at: now });
    const id = randomUUID();
    await insertRecipients(gw.deps.database.db, broadcast, [{ id, phone_number: '14155550101', components: '[]', send_tag: `sbb_${id}` }], now);
    return gw.deps.database.db.selectFrom('broadcast_recipients').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  it('applies a plan to the row as read, on the writing connection itself where there is one, and not to a row that moved since', async () => {
    const db = gw.deps.database.db;
    const read = await recipient();
    const sent = planRecipientChange(read, { kind: 'sent', at: 10, wamid: 'wamid.first' });
    const failed = planRecipientChange(read, { kind: 'failed', at: 11, errorMessage: 'Invalid phone number', errorDetails: { error_code: '131026', error_subcode: '' } });
    const [won, lost] = await directTransaction(db, async (trx) => {
      expect(runsDirectly(trx)).toBe(dialect === 'sqlite');
      const first = await compareAndSet(trx, read, sent!.set, 20);
      // The same row as read before the send: its status moved, so this plan is stale.
      return [first, await compareAndSet(trx, read, failed!.set, 21)];
    });
    expect(won).toMatchObject({ id: read.id, status: 'sent', wamid: 'wamid.first', sent_at: 10, updated_at: 20, locked_by: null });
    expect(lost).toBeUndefined();
    const stored = await db.selectFrom('broadcast_recipients').selectAll().where('id', '=', read.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'sent', wamid: 'wamid.first', failed_at: null, error_message: null });
  });

  it('keeps the error details a failure sets, as JSON', async () => {
    const db = gw.deps.database.db;
    const read = await recipient();
    const failed = planRecipientChange(read, { kind: 'failed', at: 11, errorMessage: 'Invalid phone number', errorDetails: { error_code: '131026', error_subcode: '' } });
    const row = await directTransaction(db, (trx) => compareAndSet(trx, read, failed!.set, 21));
    expect(row).toMatchObject({ status: 'failed', failed_at: 11, error_message: 'Invalid phone number' });
    const details = row!.error_details;
    expect(typeof details === 'string' ? JSON.parse(details) : details).toEqual({ error_code: '131026', error_subcode: '' });
  });
});
