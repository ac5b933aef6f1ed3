import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertMediaJob } from '../../src/media/store.ts';
import { MediaWorker } from '../../src/media/worker.ts';
import { dialects } from '../helpers/dialects.ts';
import { drip, type FaultServer, startHttpFault } from '../helpers/fault-servers.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newStore, startMediaGateway } from './helpers.ts';
import { waitFor } from '../helpers/wait-for.ts';

type Tenant = Awaited<ReturnType<typeof newTenant>>;

/**
 * Project A queues many slow downloads (links that drip a byte every 200 ms, well inside their
 * deadline), project B one fast one. B's file is stored while A's are all still downloading or
 * waiting: B never waits for A's.
 */
describe.each(dialects)('download slots shared between projects (%s)', (dialect) => {
  let gw: TestGateway;
  let links: FaultServer;
  let worker: MediaWorker | undefined;

  beforeAll(async () => {
    links = await startHttpFault((req, res) => {
      if (req.url === '/drip') return drip(res, 200);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('a small file');
    });
    gw = await startMediaGateway(dialect, newStore('file', undefined).store, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', MEDIA_DOWNLOAD_TIMEOUT_MS: '60000' }, { isolated: true });
  });
  afterEach(async () => {
    // The drips never end by themselves: the stop aborts them.
    await worker?.stop(0);
    await gw.deps.database.db.deleteFrom('media').execute();
  });
  afterAll(async () => {
    await links.close();
    await gw.close();
  });

  const queueLinks = async (t: Tenant, path: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const job = { projectId: t.projectId, phoneNumberId: t.phoneNumberId, messageId: `wamid.${randomUUID()}`, metaMediaId: null, direction: 'outbound' as const };
      ids.push((await insertMediaJob(gw.deps.database.db, { ...job, sourceUrl: `${links.url}${path}`, kind: 'document', mimeType: null, filename: null }, gw.clock.now())) as string);
    }
    return ids;
  };
  const rows = (ids: string[]) => gw.deps.database.db.selectFrom('media').select(['id', 'state', 'locked_by']).where('id', 'in', ids).execute();
  const stateOf = async (id: string) => (await rows([id]))[0]?.state;

  it("claims another project's older-queued file before a second of A's (round-robin)", async () => {
    const [a, b] = [await newTenant(gw), await newTenant(gw)];
    const slow = await queueLinks(a, '/drip', 10);
    const [fast] = (await queueLinks(b, '/fast', 1)) as [string];
    worker = new MediaWorker(gw.deps, { concurrency: 2, perProject: 2, idlePollMs: 20 });
    worker.start();
    await waitFor("B's file is stored", async () => (await stateOf(fast)) === 'stored');
    expect((await rows(slow)).every((r) => r.state === 'pending')).toBe(true);
  });

  it("keeps a slot free of A's for a file B queues while A's fill the rest (the per-project cap)", async () => {
    const [a, b] = [await newTenant(gw), await newTenant(gw)];
    const slow = await queueLinks(a, '/drip', 10);
    worker = new MediaWorker(gw.deps, { concurrency: 3, perProject: 2, idlePollMs: 20 });
    worker.start();
    const leasedOfA = async () => (await rows(slow)).filter((r) => r.locked_by !== null).length;
    await waitFor("A's downloads are running", async () => (await leasedOfA()) === 2);
    const [fast] = (await queueLinks(b, '/fast', 1)) as [string];
    await waitFor("B's file is stored", async () => (await stateOf(fast)) === 'stored');
    expect(await leasedOfA()).toBe(2);
    expect((await rows(slow)).every((r) => r.state === 'pending')).toBe(true);
  });
});
