import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runCliJson, spawnServe, startServe } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';

type Served = Awaited<ReturnType<typeof spawnServe>>;

/**
 * Two serving processes on one SQLite file do not work (each `serve` pointed the sandbox number
 * at its own simulator: stopping the second broke the first). The second is refused at start,
 * in one line naming the first one's pid and the file; one-shot commands still run beside it.
 */
describe.runIf(dialects.includes('sqlite'))('one serving process per SQLite database', { timeout: 90_000 }, () => {
  const running: Served[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  const sendText = async (base: string, sandbox: { api_key: string; phone_number: { id: string }; customer_wa_id: string }) =>
    fetch(`${base}/v24.0/${sandbox.phone_number.id}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': sandbox.api_key, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: sandbox.customer_wa_id, type: 'text', text: { body: 'still here' } }),
    });

  it('refuses a second serve and a worker on the same folder, and the first keeps its sandbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-lock-'));
    const first = await startServe({}, dir);
    running.push(first);
    const file = join(dir, 'data', 'switchboard.db');
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(first.child.pid));

    const second = await spawnServe({}, dir);
    running.push(second);
    expect(await second.exited).toBe(1);
    const refusal = `switchboard: another switchboard process (pid ${first.child.pid}) is serving this SQLite database (${file}); stop it or use another DATABASE_URL`;
    expect(second.output()).toContain(refusal);
    expect(second.output()).not.toContain('    at ');
    const worker = runCli(['worker'], {}, dir);
    expect(worker.status).toBe(1);
    expect(worker.stderr).toContain(refusal);

    // One-shot commands run beside it, and the first serve's sandbox still answers.
    const sandbox = runCliJson<{ api_key: string; phone_number: { id: string }; customer_wa_id: string }>(['sandbox'], {}, dir);
    expect((await sendText(first.base, sandbox)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-stale-'));
    const killed = await startServe({ SANDBOX: 'false' }, dir);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const file = join(dir, 'data', 'switchboard.db');
    expect(existsSync(`${file}.lock`)).toBe(true);
    const again = await startServe({ SANDBOX: 'false' }, dir);
    running.push(again);
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(again.child.pid));
    again.child.kill('SIGTERM');
    expect(await again.exited, again.output()).toBe(0);
  });

  it('takes over a lock holding a pid that is not running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-deadpid-'));
    writeFileSync(join(dir, 'gw.db.lock'), '2147483646\n');
    const s = await startServe({ DATABASE_URL: `sqlite:${dir}/gw.db`, SANDBOX: 'false' });
    running.push(s);
    expect(readFileSync(join(dir, 'gw.db.lock'), 'utf8').trim()).toBe(String(s.child.pid));
  });
});
