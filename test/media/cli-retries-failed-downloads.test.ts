import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { jpegBytes } from './helpers.ts';
import { type MediaLoop, startMediaLoop } from './loop.ts';

describe.runIf(dialects.includes('sqlite'))('switchboard media retry (sqlite)', { timeout: 60_000 }, () => {
  let loop: MediaLoop;
  let env: Record<string, string>;
  beforeAll(async () => {
    loop = await startMediaLoop('sqlite');
    // The CLI runs on the real clock: so does the gateway here.
    loop.gw.clock.set(Date.now());
    env = { DATABASE_URL: loop.gw.deps.config.db.url, SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn' };
  });
  afterAll(() => loop.close());

  it('queues failed downloads again, prints {"requeued": N}, and the next attempt stores them', async () => {
    const t = await loop.tenant();
    const since = new Date(Date.now() - 1_000).toISOString();
    const mediaId = await loop.upload(t, jpegBytes(3000), 'image/jpeg');
    // Meta says the media is gone once, then has it again (e.g. a number's access was restored).
    await loop.fault(mediaId, { fail: { on: 'metadata', status: 404, times: 1 } });
    const wamid = await loop.receive(t, 'image', { id: mediaId });
    await loop.worker.runOnce();
    expect((await loop.message(t, wamid)).kapso.message_type_data).toMatchObject({ media_status: 'failed' });

    expect(runCliJson(['media', 'retry', '--failed', '--since', since, '--project', t.projectId], env)).toEqual({ requeued: 1 });
    expect(runCliJson(['media', 'retry', '--failed', '--since', since, '--project', t.projectId], env)).toEqual({ requeued: 0 });
    expect((await loop.message(t, wamid)).kapso.message_type_data).toMatchObject({ media_status: 'pending' });

    loop.gw.clock.set(Date.now());
    await loop.worker.runOnce();
    const { kapso } = await loop.message(t, wamid);
    expect(kapso.media_url).toBeDefined();
    expect(kapso.message_type_data).not.toHaveProperty('media_status');

    const bad = runCli(['media', 'retry', '--failed', '--since', 'yesterday', '--json'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--since must be an ISO 8601 instant');
    const unknown = runCli(['media', 'retry', '--failed', '--since', since, '--project', 'nope', '--json'], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no project nope');
  });
});
