import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStatus } from '../../src/messages/statuses.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeOutboundText as storeOutbound } from '../helpers/outbound.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { statusesWebhook, statusItem } from '../helpers/webhooks.ts';

/**
 * Meta delivers a payload more than once and re-batches its retries; behind a load balancer the
 * copies reach different processes. Here two gateways (two pools: two processes' worth of
 * PostgreSQL sessions) receive payloads of 1–10 statuses, each delivered 2–3 times, some merged
 * with another in reverse order, 32 at a time. Every transaction must take its message locks in
 * one global order: in payload order, PostgreSQL detected deadlocks and answered 500.
 */
describe.each(dialects)('concurrent duplicate status deliveries (%s)', (dialect) => {
  let gateways: TestGateway[];
  // The gateways' PostgreSQL sessions carry this name, so the test can tell when they have ended.
  const sessionName = `deadlock-test-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    const env: Record<string, string> = dialect === 'postgres' ? { DATABASE_URL: `${databaseUrlFor(dialect, 'gw')}&application_name=${sessionName}` } : {};
    const first = await startGateway(dialect, env);
    // On SQLite one process owns the file; on PostgreSQL a second gateway is a second process's pool.
    gateways = dialect === 'postgres' ? [first, await startGateway(dialect, env)] : [first];
  });
  afterAll(() => Promise.all(gateways.map((gw) => gw.close())));

  it('stores every status once, answers 200 to every copy and never deadlocks', { timeout: 60_000 }, async () => {
    const gw = gateways[0] as TestGateway;
    const t = await newTenant(gw);
    const random = seeded(16);
    const wamids = Array.from({ length: 24 }, (_, i) => `wamid.deadlock-${i}-${randomUUID()}`);
    // Half the messages are stored before their statuses arrive, half after (kept pending, then applied).
    for (const wamid of wamids.slice(0, 12)) await storeOutbound(gw, t.phoneNumberId, wamid);

    const statuses = ['sent', 'delivered', 'read'];
    const payloads: Array<Array<Record<string, unknown>>> = Array.from({ length: 60 }, (_, p) =>
      Array.from({ length: 1 + Math.floor(random() * 10) }, (_, i) =>
        statusItem(wamids[Math.floor(random() * wamids.length)] as string, statuses[Math.floor(random() * 3)] as string, 1767268800 + p * 10 + i),
      ),
    );
    const deliveries: Array<Array<Record<string, unknown>>> = [];
    for (const [p, items] of payloads.entries()) {
      const copies = 2 + Math.floor(random() * 2);
      for (let c = 0; c < copies; c++) deliveries.push(c % 2 === 0 ? items : [...items].reverse());
      const other = payloads[(p + 7) % payloads.length] as Array<Record<string, unknown>>;
      if (random() < 0.3) deliveries.push([...other, ...items].reverse());
    }
    shuffle(deliveries, random);

    const before = await deadlocksCounted();
    const codes: number[] = [];
    for (let i = 0; i < deliveries.length; i += 32) {
      const wave = deliveries.slice(i, i + 32).map((items, k) => postWebhook(gateways[k % gateways.length] as TestGateway, statusesWebhook(t.phoneNumberId, items), t.appSecret));
      codes.push(...(await Promise.all(wave)).map((res) => res.statusCode));
    }
    for (const wamid of wamids.slice(12)) await storeOutbound(gw, t.phoneNumberId, wamid);

    expect(codes.filter((code) => code !== 200)).toEqual([]);
    // Each message holds the furthest status it was sent, and its history each distinct event once.
    const all = payloads.flat();
    for (const wamid of wamids) {
      const mine = all.filter((s) => s.id === wamid);
      const expected = mine.reduce<string>((at, s) => nextStatus(at, s.status as string), 'pending');
      const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso(status,statuses)');
      const kapso = res.json().kapso as { status: string; statuses?: unknown[] };
      expect(kapso.status, wamid).toBe(expected);
      expect(kapso.statuses ?? [], wamid).toHaveLength(new Set(mine.map((s) => `${s.status as string}:${s.timestamp as string}`)).size);
    }
    await Promise.all(gateways.splice(0).map((g) => g.close()));
    expect(await deadlocksCounted()).toBe(before);
  });

  /**
   * PostgreSQL's count of deadlocks detected in this database, once the gateways' sessions have
   * ended (SQLite cannot deadlock: 0). A session reports its counters when it goes idle, but after
   * a report less than a second old only 10 s later; it reports them all as it ends.
   */
  async function deadlocksCounted(): Promise<number> {
    if (dialect !== 'postgres') return 0;
    const database = connectDatabase(databaseUrlFor(dialect, 'deadlocks'));
    const sessions = async () => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from pg_stat_activity where application_name = ${sessionName}`.execute(database.db);
      return Number(rows[0]?.n);
    };
    try {
      // The name must be on the gateways' sessions, or waiting for them to end would wait for nothing.
      if (gateways.length > 0) expect(await sessions()).toBeGreaterThan(0);
      else await waitFor('the gateways’ PostgreSQL sessions end', async () => (await sessions()) === 0);
      const { rows } = await sql<{ deadlocks: string }>`select deadlocks from pg_stat_database where datname = current_database()`.execute(database.db);
      return Number(rows[0]?.deadlocks ?? 0);
    } finally {
      await database.close();
    }
  }
});

/** A small seeded generator (mulberry32): the same run every time. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
