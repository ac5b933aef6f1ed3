import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps, createLogger } from '../../src/create-deps.ts';
import type { Deps } from '../../src/deps.ts';
import { fanOutEvents } from '../../src/outbox/fan-out.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { subscribe } from '../helpers/outbox.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * Several worker processes fan events out at once on PostgreSQL. A worker that skipped another's
 * locked (older) events and made deliveries of the newer ones first put a conversation's
 * messages out of order (#8, #9, then #7): fan-out must take events strictly in their order,
 * whatever the number of workers.
 */
describe.runIf(dialects.includes('postgres'))('fan-outs racing on PostgreSQL', () => {
  let gw: TestGateway;
  const others: Deps[] = [];
  beforeAll(async () => {
    gw = await startGateway('postgres', { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, { isolated: true });
    // Each further worker has a pool of its own, as a separate process would.
    for (let i = 0; i < 3; i++) others.push(createDeps(gw.deps.config, { clock: gw.clock, log: createLogger('silent') }));
  });
  afterAll(async () => {
    for (const deps of others) await deps.database.close();
    await gw.close();
  });

  it('waits for the events another worker is fanning out instead of passing them', async () => {
    const t = await newTenant(gw);
    const hook = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: 'http://127.0.0.1:9/', events: ['whatsapp.message.received'] });
    for (let i = 7; i <= 9; i++) {
      const body = messagesWebhook(t.phoneNumberId, [textMessage(`wamid.WAIT-${i}`, `#${i}`, 1767268800 + i)]);
      expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);
    }
    // Another worker is in the middle of fanning out the conversation's first message (#7).
    const first = await gw.deps.database.db.selectFrom('events').select('seq').where('message_id', '=', 'wamid.WAIT-7').executeTakeFirstOrThrow();
    const busy = await gw.deps.database.db.startTransaction().execute();
    await busy.selectFrom('events').select('seq').where('seq', '=', first.seq).forUpdate().execute();
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(busy);
    const fanning = fanOutEvents(others[0] as Deps, 500);
    // The other worker's fan-out is waiting for the row this transaction holds.
    await waitFor('the other fan-out waits for the lock', async () => {
      const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where ${rows[0]?.pid} = any(pg_blocking_pids(pid))`.execute(gw.deps.database.db);
      return (waiting.rows[0]?.n ?? 0) > 0;
    });
    await busy.rollback().execute();
    await fanning;
    while ((await fanOutEvents(gw.deps, 500)).events > 0);

    const lane = await gw.deps.database.db
      .selectFrom('deliveries as d')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .select(['e.message_id', 'd.next_attempt_at'])
      .where('d.webhook_id', '=', hook.id)
      .orderBy('d.seq')
      .execute();
    expect(lane.map((d) => d.message_id)).toEqual(['wamid.WAIT-7', 'wamid.WAIT-8', 'wamid.WAIT-9']);
    expect(lane.map((d) => Number(d.next_attempt_at) <= gw.clock.now())).toEqual([true, false, false]);
  });

  it('makes each conversation’s deliveries in the order of its messages, only the first due', async () => {
    const t = await newTenant(gw);
    const hook = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: 'http://127.0.0.1:9/', events: ['whatsapp.message.received'] });
    const customers = Array.from({ length: 6 }, (_, c) => `1415555${String(c).padStart(4, '0')}`);
    for (let i = 0; i < 10; i++) {
      for (const [c, from] of customers.entries()) {
        const body = messagesWebhook(t.phoneNumberId, [textMessage(`wamid.RACE-${c}-${i}`, `#${i}`, 1767268800 + i, from)], from);
        expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);
      }
    }
    // Four workers fan out two events at a time, all at once, until the outbox is empty.
    for (;;) {
      const rounds = await Promise.all([gw.deps, ...others].map((deps) => fanOutEvents(deps, 2)));
      if (rounds.every((r) => r.events === 0)) break;
    }

    const deliveries = await gw.deps.database.db
      .selectFrom('deliveries as d')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .select(['d.conversation_id', 'd.next_attempt_at', 'e.message_id'])
      .where('d.webhook_id', '=', hook.id)
      .orderBy('d.seq')
      .execute();
    expect(deliveries).toHaveLength(60);
    const now = gw.clock.now();
    for (const [c] of customers.entries()) {
      const lane = deliveries.filter((d) => d.message_id?.startsWith(`wamid.RACE-${c}-`));
      expect(lane.map((d) => d.message_id)).toEqual(Array.from({ length: 10 }, (_, i) => `wamid.RACE-${c}-${i}`));
      // The first is due now; each later one waits for the one before it (§8.5).
      expect(lane.map((d) => Number(d.next_attempt_at) <= now)).toEqual([true, ...Array.from({ length: 9 }, () => false)]);
    }
  });
});
