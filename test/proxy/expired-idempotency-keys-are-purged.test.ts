import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredIdempotencyKeys } from '../../src/proxy/idempotency-purge.ts';
import { dialects } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const HOUR_MS = 3_600_000;

describe.each(dialects)('idempotency key retention (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  async function keysOf(projectId: string): Promise<string[]> {
    const rows = await gw.deps.database.db.selectFrom('idempotency_keys').select('key').where('project_id', '=', projectId).orderBy('key').execute();
    return rows.map((r) => r.key);
  }

  it('purges keys older than 24 hours, in batches, and keeps fresh ones', async () => {
    const projectId = randomUUID();
    const now = gw.clock.now();
    const ages = { 'old-1': 25, 'old-2': 48, 'old-3': 24.01, 'old-4': 100, 'old-5': 30, 'fresh-1': 1, 'fresh-2': 23.9 };
    await gw.deps.database.db
      .insertInto('idempotency_keys')
      .values(Object.entries(ages).map(([key, hours]) => ({ project_id: projectId, key, request_hash: 'h', status_code: 200, response_body: '{}', created_at: now - hours * HOUR_MS })))
      .execute();

    // Batches of 2: the purge goes on until fewer than a batch are left.
    expect(await purgeExpiredIdempotencyKeys(gw.deps, now, 2)).toBeGreaterThanOrEqual(5);
    expect(await keysOf(projectId)).toEqual(['fresh-1', 'fresh-2']);

    // 22 hours on, fresh-2 is past 24 hours and fresh-1 is not yet.
    gw.clock.advance(22 * HOUR_MS);
    await purgeExpiredIdempotencyKeys(gw.deps, gw.clock.now());
    expect(await keysOf(projectId)).toEqual(['fresh-1']);
  });
});
