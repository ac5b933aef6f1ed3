import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/events/append-event.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Event ids (sent as `X-Idempotency-Key`) are UUIDs that grow with time (v7), so the unique index
 * on them takes each new id at its end, as the table does, rather than on a random page.
 */
describe.each(dialects)('outbox event ids (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  it('are version-7 UUIDs in the order the events were appended', async () => {
    const t = await newTenant(gw);
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      ids.push(await appendEvent(gw.deps.database.db, { type: 'whatsapp.message.received', phoneNumberId: t.phoneNumberId, messageId: `wamid.E${i}` }, gw.clock.now()));
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Ordered by their millisecond (the first 48 bits); within one millisecond in no order.
    const millis = ids.map((id) => id.slice(0, 13));
    expect([...millis].sort()).toEqual(millis);
    expect(new Set(millis).size).toBeGreaterThan(1);
    const stored = await gw.deps.database.db.selectFrom('events').select('id').where('phone_number_id', '=', t.phoneNumberId).where('type', '=', 'whatsapp.message.received').orderBy('seq').execute();
    expect(stored.map((r) => r.id)).toEqual(ids);
  });
});
