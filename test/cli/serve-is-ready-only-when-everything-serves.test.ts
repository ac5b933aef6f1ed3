import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliJson, spawnServe } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

type Served = Awaited<ReturnType<typeof spawnServe>>;
interface ReadyzBody {
  status: string;
  checks: Record<string, string>;
  error?: { code: number };
}

/** Polls /readyz from the moment serve is spawned; returns every answer, the last one the first 200. */
async function pollUntilReady(s: Served): Promise<Array<{ status: number; body: ReadyzBody }>> {
  const answers: Array<{ status: number; body: ReadyzBody }> = [];
  for (let i = 0; i < 6_000; i++) {
    if (s.child.exitCode !== null) throw new Error(`serve exited early: ${s.output()}`);
    try {
      const res = await fetch(`${s.base}/readyz`);
      answers.push({ status: res.status, body: (await res.json()) as ReadyzBody });
      if (res.status === 200) return answers;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`serve never became ready: ${s.output()}`);
}

describe('serve with the sandbox (sqlite, the embedded default)', { timeout: 120_000 }, () => {
  const running: Served[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  it('reports ready only once the sandbox answers: a send right after the first 200 is sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-ready-'));
    const sandbox = runCliJson<{ api_key: string; phone_number: { id: string }; customer_wa_id: string }>(['sandbox'], {}, dir);
    // The second start finds the number pointed at the first start's simulator port.
    for (const start of [1, 2]) {
      const s = await spawnServe({}, dir);
      running.push(s);
      const answers = await pollUntilReady(s);
      const send = await fetch(`${s.base}/v24.0/${sandbox.phone_number.id}/messages`, {
        method: 'POST',
        headers: { 'x-api-key': sandbox.api_key, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to: sandbox.customer_wa_id, type: 'text', text: { body: `ready ${start}` } }),
      });
      expect(send.status, `start ${start}: ${await send.clone().text()}`).toBe(200);
      const ready = answers.at(-1)?.body;
      expect(ready).toEqual({
        status: 'ready',
        dialect: 'sqlite',
        checks: { database: 'ok', media_store: 'ok', http: 'ok', lifecycle_sweep: 'ok', outbox_worker: 'ok', media_worker: 'ok', broadcast_worker: 'ok', sandbox: 'ok' },
      });
      for (const early of answers.slice(0, -1)) {
        expect(early.status).toBe(503);
        expect(early.body.status).toBe('starting');
        expect(early.body.checks).toHaveProperty('sandbox');
        expect(early.body.error?.code).toBe(2);
      }
      s.child.kill('SIGTERM');
      expect(await s.exited, s.output()).toBe(0);
    }
  });
});

describe.each(dialects)('serve readiness (%s)', { timeout: 90_000 }, (dialect) => {
  const running: Served[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  it('reports each component it started', async () => {
    const env = { DATABASE_URL: databaseUrlFor(dialect, 'ready'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', SANDBOX: 'false' };
    const s = await spawnServe(env);
    running.push(s);
    const ready = (await pollUntilReady(s)).at(-1)?.body;
    // The delivery and media workers run inside serve on both dialects (EMBEDDED_WORKER defaults on).
    expect(ready).toEqual({ status: 'ready', dialect, checks: { database: 'ok', media_store: 'ok', http: 'ok', lifecycle_sweep: 'ok', outbox_worker: 'ok', media_worker: 'ok', broadcast_worker: 'ok' } });
    s.child.kill('SIGTERM');
    expect(await s.exited, s.output()).toBe(0);
  });
});
