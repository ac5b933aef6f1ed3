import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runCliJson, startServe } from '../helpers/cli.ts';

type Served = Awaited<ReturnType<typeof startServe>>;

async function waitReady(s: Served): Promise<Record<string, string>> {
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${s.base}/readyz`);
    if (res.status === 200) return ((await res.json()) as { checks: Record<string, string> }).checks;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never ready: ${s.output()}`);
}

describe('a real number retires the sandbox (sqlite, the embedded default)', { timeout: 240_000 }, () => {
  const running: Served[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  it('stops running the sandbox, revokes its key, logs it once, and `switchboard sandbox` says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-retire-'));
    const sandbox = runCliJson<{ api_key: string; phone_number: { id: string } }>(['sandbox'], {}, dir);
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'real'], {}, dir);
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', '112233445566779', '--display-phone-number', '+15550102031', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 's', '--verify-token', 'v-retire'], {}, dir);

    const first = await startServe({ LOG_LEVEL: 'info' }, dir);
    running.push(first);
    expect(await waitReady(first)).not.toHaveProperty('sandbox');
    const send = await fetch(`${first.base}/v24.0/${sandbox.phone_number.id}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': sandbox.api_key, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '15550009876', type: 'text', text: { body: 'hi' } }),
    });
    expect(send.status).toBe(401);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).not.toContain('sandbox ready');
    expect(first.output()).not.toContain(sandbox.api_key);
    expect(first.output().match(/sandbox retired/g)).toHaveLength(1);

    const again = await startServe({ LOG_LEVEL: 'info' }, dir);
    running.push(again);
    await waitReady(again);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(again.output()).not.toContain('sandbox ready');
    expect(again.output()).not.toContain('sandbox retired');

    const cli = runCli(['sandbox', '--json'], {}, dir);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain('the sandbox was retired because a real phone number is registered');
  });
});
