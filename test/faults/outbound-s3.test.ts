import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../src/blobs/s3-blob-store.ts';
import { insertMediaJob } from '../../src/media/store.ts';
import { MediaWorker } from '../../src/media/worker.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { type FaultServer, startHangingServer, startHttpFault, startResettingServer } from '../helpers/fault-servers.ts';
import { startMediaGateway } from '../media/helpers.ts';

/** S3 endpoints that misbehave (a fake TCP/HTTP server in s3rver's place), and the reason the download must record. */
const endpoints: Record<string, { start: () => Promise<FaultServer>; reason: RegExp }> = {
  'accepts and never answers': { start: startHangingServer, reason: /^(\S+: )?timed out: the download did not finish within its 1\.5 s deadline$/ },
  'resets every connection': { start: () => startResettingServer(), reason: /^blob store unavailable \((ECONNRESET|EPIPE)\)$/ },
  'answers 503 to everything': {
    start: () => startHttpFault((_req, res) => res.writeHead(503, { 'content-type': 'application/xml' }).end('<Error><Code>SlowDown</Code></Error>')),
    // The SDK retries a throttled S3 with its own backoff, which may outlast the deadline.
    reason: /^blob store unavailable \((SlowDown|HTTP 503)\)$|^(\S+: )?timed out: /,
  },
  'answers garbage': { start: () => startHttpFault((_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<html>oops')), reason: /^blob store unavailable \(.+\)$/ },
};

describe.each(dialects)('media downloads when S3 misbehaves (%s)', (dialect) => {
  let link: FaultServer;
  beforeAll(async () => {
    link = await startHttpFault((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('a small file'));
  });
  afterAll(() => link.close());

  it.each(Object.keys(endpoints))('records the download failed-retryable, not stuck, when S3 %s', async (name) => {
    const spec = endpoints[name] as (typeof endpoints)[string];
    const s3 = await spec.start();
    const blobs = new S3BlobStore({ bucket: 'media', prefix: '', endpoint: s3.url, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const gw = await startMediaGateway(dialect, blobs, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', MEDIA_DOWNLOAD_TIMEOUT_MS: '1500' }, { isolated: true });
    try {
      const t = await newTenant(gw);
      const job = { projectId: t.projectId, phoneNumberId: t.phoneNumberId, messageId: `wamid.${randomUUID()}`, metaMediaId: null, direction: 'outbound' as const };
      const id = (await insertMediaJob(gw.deps.database.db, { ...job, sourceUrl: `${link.url}/file.txt`, kind: 'document', mimeType: null, filename: null }, gw.clock.now())) as string;
      const worker = new MediaWorker(gw.deps, { random: () => 0.5 });
      expect(await worker.runOnce()).toBe(1);
      await worker.stop(0);
      const row = await gw.deps.database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'pending', attempts: 1, locked_by: null, next_attempt_at: gw.clock.now() + 5_000 });
      expect(row.failure_reason).toMatch(spec.reason);
    } finally {
      await gw.close();
      await s3.close();
    }
  });
});
