import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endInactiveConversations, startLifecycleSweep } from '../../src/conversations/sweep.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Every conversation here is from 2001, so that a sweep (which covers the whole database, as in
// production) ends nothing that other test files share the PostgreSQL test schema with.
const DAY_SEC = 86_400;
const HOUR_MS = 3_600_000;
let nextBase = 978_307_200; // 2001-01-01T00:00:00Z
/** A stretch of time of its own for each test, ten days after the previous one. */
const freshBase = () => (nextBase += 10 * DAY_SEC);

describe.each(dialects)('the conversation lifecycle sweep (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  /** One conversation per customer, each last active at the given epoch second. */
  async function conversationsAt(phoneNumberId: string, lastActiveSec: readonly number[]): Promise<string[]> {
    const tag = Math.random().toString(36).slice(2);
    await storeMessages(
      gw,
      phoneNumberId,
      lastActiveSec.map((timestamp, i) => ({ id: `wamid.${tag}.${i}`, timestamp, waId: `1415${String(i).padStart(7, '0')}` })),
    );
    const rows = await gw.deps.database.db.selectFrom('messages').select(['id', 'conversation_id']).where('phone_number_id', '=', phoneNumberId).execute();
    return lastActiveSec.map((_, i) => rows.find((r) => r.id === `wamid.${tag}.${i}`)?.conversation_id as string);
  }

  const statusOf = async (id: string) =>
    (await gw.deps.database.db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('ends conversations quiet for 24 hours and keeps the others active', async () => {
    const base = freshBase();
    const t = await newTenant(gw);
    const [quiet, recent] = await conversationsAt(t.phoneNumberId, [base, base + 2 * 3600]);
    const ended = await endInactiveConversations(gw.deps, (base + DAY_SEC) * 1000 + HOUR_MS);
    expect(ended).toContain(quiet);
    expect(ended).not.toContain(recent);
    expect(await statusOf(quiet as string)).toBe('ended');
    expect(await statusOf(recent as string)).toBe('active');
  });

  it('ends a conversation quiet for exactly 24 hours only once it is past them', async () => {
    const base = freshBase();
    const t = await newTenant(gw);
    const [id] = await conversationsAt(t.phoneNumberId, [base]);
    expect(await endInactiveConversations(gw.deps, (base + DAY_SEC) * 1000)).not.toContain(id);
    expect(await endInactiveConversations(gw.deps, (base + DAY_SEC) * 1000 + 1)).toContain(id);
  });

  it('ends each conversation exactly once when several sweeps run at the same time', async () => {
    const base = freshBase();
    const t = await newTenant(gw);
    const ids = await conversationsAt(t.phoneNumberId, Array.from({ length: 40 }, (_, i) => base + i));
    const now = (base + 2 * DAY_SEC) * 1000;
    const runs = await Promise.all([1, 2, 3, 4].map(() => endInactiveConversations(gw.deps, now)));
    const all = runs.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    expect(await endInactiveConversations(gw.deps, now)).toEqual([]);
  });

  it('lets a customer who writes after the end open a new conversation', async () => {
    const base = freshBase();
    const t = await newTenant(gw);
    const [old] = await conversationsAt(t.phoneNumberId, [base]);
    await endInactiveConversations(gw.deps, (base + 2 * DAY_SEC) * 1000);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.back', timestamp: base + 3600, waId: '14150000000' }]);
    const row = await gw.deps.database.db.selectFrom('messages').select('conversation_id').where('id', '=', 'wamid.back').where('phone_number_id', '=', t.phoneNumberId).executeTakeFirstOrThrow();
    expect(row.conversation_id).not.toBe(old);
    expect(await statusOf(row.conversation_id)).toBe('active');
    expect(await statusOf(old as string)).toBe('ended');
  });

  it('gives a reopened conversation another 24 hours', async () => {
    const base = freshBase();
    const t = await newTenant(gw);
    const [id] = await conversationsAt(t.phoneNumberId, [base]);
    await endInactiveConversations(gw.deps, (base + 2 * DAY_SEC) * 1000);
    gw.clock.set((base + 3 * DAY_SEC) * 1000);
    const reopened = await gw.app.inject({ method: 'PATCH', url: `/v24.0/conversations/${id}`, headers: { 'x-api-key': t.apiKey }, payload: { status: 'active' } });
    expect(reopened.statusCode).toBe(200);
    expect(await endInactiveConversations(gw.deps, gw.clock.now() + 23 * HOUR_MS)).not.toContain(id);
    expect(await endInactiveConversations(gw.deps, gw.clock.now() + 25 * HOUR_MS)).toContain(id);
  });

  it('sweeps on its interval with the injected clock, and stops when asked', async () => {
    const base = freshBase();
    const t = await newTenant(gw);
    const [first] = await conversationsAt(t.phoneNumberId, [base]);
    gw.clock.set((base + 2 * DAY_SEC) * 1000);
    // Each sweep reads the clock once: counting the reads counts the sweeps.
    let sweeps = 0;
    const sweep = startLifecycleSweep({ ...gw.deps, clock: { now: () => (sweeps++, gw.clock.now()) } }, 10);
    await waitFor('the sweep ends the quiet conversation', async () => (await statusOf(first as string)) === 'ended');
    await waitFor('the sweep runs again on its interval', () => sweeps >= 2);
    await sweep.stop();
    const sweepsWhenStopped = sweeps;
    const [second] = await conversationsAt(t.phoneNumberId, [base + 60]);
    // A sweep on the same interval that ends nothing (its clock is at 0) runs three times: the
    // stopped one, were its timer still set, would have run meanwhile.
    let control = 0;
    const controlSweep = startLifecycleSweep({ ...gw.deps, clock: { now: () => (control++, 0) } }, 10);
    await waitFor('a control sweep runs three times', () => control >= 3);
    await controlSweep.stop();
    expect(sweeps).toBe(sweepsWhenStopped);
    expect(await statusOf(second as string)).toBe('active');
  });
});

describe.each(dialects)('the conversation lifecycle sweep with CONVERSATION_INACTIVITY_HOURS=1 (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, { CONVERSATION_INACTIVITY_HOURS: '1' });
  });
  afterAll(() => gw.close());

  it('ends a conversation quiet for 90 minutes', async () => {
    const base = freshBase();
    const t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.short', timestamp: base }]);
    const ended = await endInactiveConversations(gw.deps, base * 1000 + 90 * 60_000);
    const [row] = await gw.deps.database.db.selectFrom('conversations').select(['id', 'status']).where('phone_number_id', '=', t.phoneNumberId).execute();
    expect(ended).toContain(row?.id);
    expect(row?.status).toBe('ended');
  });
});
