import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { getWithKey, storeMessages } from '../helpers/history.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z

// PostgreSQL only: a search whose statements run past SEARCH_TIMEOUT_MS is cancelled by
// PostgreSQL (statement_timeout, local to the search's transaction) and answered 503 in Meta's
// envelope, instead of holding a backend after the client gave up. The search is made to wait
// here on a lock another transaction holds on `messages` (statement_timeout counts the wait),
// in a database of its own so that no other test waits on that lock.
describe.skipIf(!dialects.includes('postgres'))('a full-text search past SEARCH_TIMEOUT_MS (postgres)', () => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  const search = () => getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/messages?q=order`);

  beforeAll(async () => {
    gw = await startGateway('postgres', { DATABASE_URL: isolatedDatabaseUrlFor('postgres', 'searchtimeout'), SEARCH_TIMEOUT_MS: '300' });
    t = await newTenant(gw);
    await storeMessages(gw, t.phoneNumberId, [{ id: 'w.order', timestamp: T0, body: 'Where is my order?' }]);
  });
  afterAll(() => gw.close());

  it('is stopped and answered 503 with code 2 and what to do, then answers once nothing holds it up', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = gw.deps.database.db.transaction().execute(async (trx) => {
      await sql`lock table messages in access exclusive mode`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    const started = Date.now();
    const refused = await search();
    const waited = Date.now() - started;
    release();
    await holder;
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: { code: 2, type: 'OAuthException', error_data: { details: expect.stringContaining('narrow it with since/until') } } });
    // Stopped at its limit (300 ms), not after the gateway's 30 s request timeout.
    expect(waited).toBeLessThan(10_000);

    const answered = await search();
    expect(answered.statusCode).toBe(200);
    expect((answered.json() as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['w.order']);
  });
});
