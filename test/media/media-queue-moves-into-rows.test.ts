import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessageMedia, promoteQueuedMedia, takeQueuedMediaQuery } from '../../src/media/queue-store.ts';
import { dialects, type TestDialect } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';
import { newStore, queuedMedia, startMediaGateway } from './helpers.ts';

/**
 * The media queue (migration 008): ingest appends one entry per media message; workers move
 * entries into `media` rows, in batches, each entry once, whatever the number of workers.
 */
describe.each(dialects)('the media queue (%s)', (dialect) => {
  let gw: TestGateway;
  const db = () => gw.deps.database.db;
  const job = (phoneNumberId: string, messageId = `wamid.${randomUUID()}`) => ({
    phoneNumberId,
    messageId,
    metaMediaId: String(Math.floor(Math.random() * 1e15)),
    kind: 'image',
    direction: 'inbound' as const,
    mimeType: 'image/jpeg',
    filename: null,
  });
  const rowsOf = (phoneNumberId: string) => db().selectFrom('media').selectAll().where('phone_number_id', '=', phoneNumberId).orderBy('created_at').execute();

  beforeAll(async () => {
    gw = await startMediaGateway(dialect, newStore('file', undefined).store, {}, { isolated: true });
  });
  afterAll(() => gw.close());

  it("moves entries into pending media rows, due now, created when they were queued, in the number's project", async () => {
    const t = await newTenant(gw);
    const first = job(t.phoneNumberId);
    await db().transaction().execute((trx) => enqueueMessageMedia(trx, first, 1_000));
    await db().transaction().execute((trx) => enqueueMessageMedia(trx, { ...job(t.phoneNumberId), sourceUrl: 'https://files.example/a.pdf', metaMediaId: null, kind: 'document', direction: 'outbound', mimeType: null, filename: 'a.pdf' }, 2_000));
    expect(await promoteQueuedMedia(db(), { limit: 10, now: 5_000 })).toBe(2);
    expect(await queuedMedia(db(), t.phoneNumberId)).toEqual([]);
    const rows = await rowsOf(t.phoneNumberId);
    expect(rows).toEqual([
      expect.objectContaining({ project_id: t.projectId, message_id: first.messageId, meta_media_id: first.metaMediaId, kind: 'image', direction: 'inbound', state: 'pending', mime_type: 'image/jpeg', next_attempt_at: 5_000, created_at: 1_000, attempts: 0 }),
      expect.objectContaining({ source_url: 'https://files.example/a.pdf', meta_media_id: null, kind: 'document', direction: 'outbound', filename: 'a.pdf', created_at: 2_000 }),
    ]);
    expect(await promoteQueuedMedia(db(), { limit: 10, now: 6_000 })).toBe(0);
  });

  it('skips an entry whose message already has a row, and drops one whose number is gone', async () => {
    const t = await newTenant(gw);
    const twice = job(t.phoneNumberId);
    await db().transaction().execute((trx) => enqueueMessageMedia(trx, twice, 1_000));
    await promoteQueuedMedia(db(), { limit: 10, now: 2_000 });
    await db().transaction().execute((trx) => enqueueMessageMedia(trx, { ...twice, metaMediaId: 'another' }, 3_000));
    await db().transaction().execute((trx) => enqueueMessageMedia(trx, job('100000000000099'), 3_000));
    expect(await promoteQueuedMedia(db(), { limit: 10, now: 4_000 })).toBe(2);
    expect((await rowsOf(t.phoneNumberId)).map((r) => [r.message_id, r.meta_media_id])).toEqual([[twice.messageId, twice.metaMediaId]]);
    expect(await rowsOf('100000000000099')).toEqual([]);
    expect(await queuedMedia(db(), '100000000000099')).toEqual([]);
  });

  it('moves each entry once when workers promote at the same time, a batch at a time', async () => {
    const t = await newTenant(gw);
    await db().transaction().execute(async (trx) => {
      for (let i = 0; i < 30; i++) await enqueueMessageMedia(trx, job(t.phoneNumberId), 1_000);
    });
    const taken = await Promise.all([1, 2, 3].map(() => promoteQueuedMedia(db(), { limit: 8, now: 2_000 })));
    expect(taken.every((n) => n <= 8)).toBe(true);
    while ((await promoteQueuedMedia(db(), { limit: 8, now: 2_000 })) > 0);
    const rows = await rowsOf(t.phoneNumberId);
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(30);
  });
});

describe.each<[TestDialect, string]>([
  ['sqlite', ''],
  ['postgres', ' for update skip locked'],
])('taking from the media queue, compiled for %s', (dialect, lock) => {
  it('takes the oldest entries in one scan of the key, chosen once, locked ones skipped on PostgreSQL', () => {
    const { sql, parameters } = takeQueuedMediaQuery(compilerFor(dialect), 8).compile();
    const expected = `with "taken" as materialized (select "seq" from "media_queue" order by "seq" limit ?${lock}) delete from "media_queue" where "seq" in (select "taken"."seq" from "taken") returning *`;
    expect(sql).toBe(dialect === 'postgres' ? expected.replace('?', '$1') : expected);
    expect(parameters).toEqual([8]);
  });
});
