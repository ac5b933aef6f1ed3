import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDatabaseProbe } from '../../src/db/probe.ts';
import { closeDeps, createDeps, createLogger } from '../../src/create-deps.ts';
import { freePort } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { createTestClock, startGateway, type TestGateway } from '../helpers/harness.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SECRET = 'test-secret-do-not-use-0123456789abcdefghijklmnop';

describe.each(dialects)('/readyz and the database (%s)', (dialect) => {
  let gw: TestGateway | null = null;
  afterEach(async () => {
    await gw?.close();
    gw = null;
  });

  it('answers 200 with the database check while the database answers', async () => {
    gw = await startGateway(dialect);
    const res = await gw.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', dialect, checks: { database: 'ok', media_store: 'ok' } });
  });

  it('answers 503 naming the database, in the envelope, once the database stops answering', async () => {
    gw = await startGateway(dialect);
    expect((await gw.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await gw.deps.database.db.destroy();
    // The last answer is reused about a second (wall time); a check after that is a new one.
    let res = await gw.app.inject({ method: 'GET', url: '/readyz' });
    await waitFor('/readyz checks the database again', async () => {
      res = await gw!.app.inject({ method: 'GET', url: '/readyz' });
      return res.statusCode !== 200;
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'unavailable',
      checks: { database: 'unreachable' },
      error: { code: 2, type: 'OAuthException', error_data: { details: 'Not ready: database unreachable.' }, fbtrace_id: expect.any(String) },
    });
  });
});

describe('/readyz with PostgreSQL unreachable', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
  });

  it('answers 503 when nothing listens at the database address', async () => {
    const port = await freePort();
    const config = loadConfig({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`, SWITCHBOARD_SECRET: SECRET, LOG_LEVEL: 'silent' });
    const deps = createDeps(config, { log: createLogger('silent'), clock: createTestClock() });
    const app = await buildApp(deps);
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', checks: { database: 'unreachable' } });
    await app.close();
    await closeDeps(deps);
  });

  it('counts a database that accepts the connection but never answers as unreachable', async () => {
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const config = loadConfig({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`, SWITCHBOARD_SECRET: SECRET, LOG_LEVEL: 'silent' });
    const deps = createDeps(config, { log: createLogger('silent') });
    const probe = createDatabaseProbe(deps.database, { timeoutMs: 200 });
    expect(await probe()).toBe(false);
    for (const s of sockets.splice(0)) s.destroy();
    silent.close();
    await closeDeps(deps).catch(() => undefined);
  });
});
