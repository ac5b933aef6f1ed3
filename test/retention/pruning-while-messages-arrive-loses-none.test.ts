import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneHistory } from '../../src/retention/prune.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { newStore, startMediaGateway } from '../media/helpers.ts';
import { conversationsPointingAtMissingMessages, DAY_S, messageIdsOf } from './helpers.ts';

describe.each(dialects)('pruning while messages arrive (%s)', { timeout: 60_000 }, (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startMediaGateway(dialect, newStore('file', undefined).store);
  });
  afterAll(() => gw.close());

  it('loses none of the messages ingested during the prune, and removes every old one', async () => {
    const t = await newTenant(gw);
    const now = Math.floor(gw.clock.now() / 1000);
    // Old enough for several batches, from the customers who write again during the prune.
    const customers = ['14155550101', '14155550102', '14155550103', '14155550104'];
    const old = Array.from({ length: 3_000 }, (_, i) => ({ id: `wamid.old.${t.phoneNumberId}.${i}`, timestamp: now - 90 * DAY_S + i, waId: customers[i % customers.length] }));
    for (let i = 0; i < old.length; i += 500) await storeMessages(gw, t.phoneNumberId, old.slice(i, i + 500));

    const arriving: string[] = [];
    let pruning = true;
    let storedDuringPrune = 0;
    const ingest = (async () => {
      for (let i = 0; i < 40; i++) {
        const id = `wamid.new.${t.phoneNumberId}.${i}`;
        arriving.push(id);
        const waId = customers[i % customers.length] as string;
        const res = await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(id, `hello ${i}`, now - 60 + i, waId)], waId), t.appSecret);
        expect(res.statusCode).toBe(200);
        if (pruning) storedDuringPrune += 1;
      }
    })();
    const report = await pruneHistory(gw.deps, { beforeMs: (now - 30 * DAY_S) * 1000, mediaOnly: false, dryRun: false, projectId: t.projectId, now: gw.clock.now() });
    pruning = false;
    await ingest;
    // The two did overlap: webhooks were stored between the prune's batches.
    expect(storedDuringPrune).toBeGreaterThan(0);

    expect(report.messages).toBe(old.length);
    expect(await messageIdsOf(gw, t.phoneNumberId)).toEqual([...arriving].sort());
    expect(await conversationsPointingAtMissingMessages(gw, t.phoneNumberId)).toEqual([]);
    // Each new message sits in a conversation that exists.
    const orphans = await gw.deps.database.db
      .selectFrom('messages as m')
      .select('m.id')
      .where('m.phone_number_id', '=', t.phoneNumberId)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('conversations as c').select('c.id').whereRef('c.id', '=', 'm.conversation_id'))))
      .execute();
    expect(orphans).toEqual([]);
  });
});
