import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadDeadlineMs, maxBytesOfRow } from '../../src/media/deadline.ts';
import { MAX_MEDIA_BYTES } from '../../src/media/limits.ts';
import { insertMediaJob } from '../../src/media/store.ts';
import { MediaWorker } from '../../src/media/worker.ts';
import { dialects } from '../helpers/dialects.ts';
import { drip, type FaultServer, startHttpFault } from '../helpers/fault-servers.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newStore, startMediaGateway } from './helpers.ts';
import { waitFor } from '../helpers/wait-for.ts';

const DEADLINE_MS = 1_000;

describe('the overall deadline of a download', () => {
  it.each([
    ['a 100 MB document at 100 KB/s, after the 20 s Graph timeout', MAX_MEDIA_BYTES, undefined, 20_000 + 1_024_000],
    ['a 5 MB image', 5 * 1024 * 1024, undefined, 20_000 + 51_200],
    ['any file, when MEDIA_DOWNLOAD_TIMEOUT_MS fixes it', MAX_MEDIA_BYTES, 90_000, 90_000],
  ])('gives %s its size limit at the minimum throughput', (_what, maxBytes, fixedMs, expected) => {
    expect(downloadDeadlineMs(maxBytes, { timeoutMs: 20_000, minBytesPerSecond: 100 * 1024, fixedMs })).toBe(expected);
  });

  it.each([
    ['a linked image by its kind', { source_url: 'https://x.test/a', meta_media_id: null, kind: 'image', mime_type: null }, 5 * 1024 * 1024],
    ['a linked file of no kind as a document', { source_url: 'https://x.test/a', meta_media_id: null, kind: null, mime_type: null }, MAX_MEDIA_BYTES],
    ["Meta's audio by the type Meta announced", { source_url: null, meta_media_id: '1', kind: 'audio', mime_type: 'audio/ogg' }, 16 * 1024 * 1024],
  ])('bounds %s', (_what, row, expected) => {
    expect(maxBytesOfRow(row)).toBe(expected);
  });
});

describe.each(dialects)('a media link that drips a byte every 200 ms (%s)', (dialect) => {
  let gw: TestGateway;
  let links: FaultServer;
  let served: string[];

  beforeAll(async () => {
    served = [];
    links = await startHttpFault((req, res) => {
      if (req.url === '/drip') return drip(res, 200);
      served.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('a small file');
    });
    const env = { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', MEDIA_DOWNLOAD_TIMEOUT_MS: String(DEADLINE_MS) };
    gw = await startMediaGateway(dialect, newStore('file', undefined).store, env, { isolated: true });
  });
  afterAll(async () => {
    await links.close();
    await gw.close();
  });

  const queueLink = async (path: string) => {
    const t = await newTenant(gw);
    const job = { projectId: t.projectId, phoneNumberId: t.phoneNumberId, messageId: `wamid.${randomUUID()}`, metaMediaId: null, direction: 'outbound' as const };
    const id = await insertMediaJob(gw.deps.database.db, { ...job, sourceUrl: `${links.url}${path}`, kind: 'document', mimeType: null, filename: null }, gw.clock.now());
    return id as string;
  };
  const row = (id: string) => gw.deps.database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('ends at the deadline as a retryable timeout, frees the slot for another project and closes the connection', async () => {
    // One slot: the other project's file can only be fetched once the drip has let go of it.
    const worker = new MediaWorker(gw.deps, { concurrency: 1, perProject: 1, idlePollMs: 20, random: () => 0.5 });
    const slow = await queueLink('/drip');
    worker.start();
    await waitFor('the drip is claimed', async () => (await row(slow)).locked_by === worker.workerId);
    const other = await queueLink('/other');
    try {
      await waitFor("the other project's file is stored", async () => (await row(other)).state === 'stored');
    } finally {
      await worker.stop(0);
    }
    expect(served).toEqual(['/other']);
    expect(await row(slow)).toMatchObject({
      state: 'pending',
      attempts: 1,
      locked_by: null,
      locked_until: null,
      failure_reason: `${new URL(links.url).host}: timed out: the download did not finish within its 1.0 s deadline`,
      // The first retry of the backoff (retry.ts), on the test clock.
      next_attempt_at: gw.clock.now() + 5_000,
    });
    expect(links.closed).toBeGreaterThanOrEqual(1);
  });
});
