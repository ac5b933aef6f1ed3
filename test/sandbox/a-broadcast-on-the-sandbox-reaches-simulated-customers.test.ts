import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliJson, startServe } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A newcomer tries a broadcast offline: the sandbox's simulated WABA has an approved template. */
describe('a broadcast on the sandbox (sqlite, the embedded default)', { timeout: 90_000 }, () => {
  const running: Array<{ child: { kill(signal: NodeJS.Signals): boolean; exitCode: number | null } }> = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  it('is created from a CSV by the CLI, sent by the embedded worker, and completes with every customer reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-broadcast-'));
    const s = await startServe({}, dir);
    running.push(s);
    await waitFor('the sandbox banner', () => s.output().includes('Read it back by id:'), { timeoutMs: 30_000 });
    const details = runCliJson<{ api_key: string; project: { id: string }; phone_number: { id: string } }>(['sandbox'], {}, dir);
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, 'phone_number,1\n+14155550101,Maya\n+14155550102,Ravi\n+14155550103,Lea\n');
    const { broadcast: created } = runCliJson<{ broadcast: { id: string } }>(
      ['broadcasts', 'create', '--project', details.project.id, '--phone-number-id', details.phone_number.id, '--template-id', '7700000000000001', '--name', 'First broadcast', '--recipients', csv, '--send'],
      {},
      dir,
    );
    let broadcast: Record<string, unknown> = {};
    await waitFor('the broadcast completed and was read', async () => {
      const res = await fetch(`${s.base}/platform/v1/whatsapp/broadcasts/${created.id}`, { headers: { 'x-api-key': details.api_key } });
      broadcast = (await res.json()).data;
      return broadcast.status === 'completed' && broadcast.read_count === 3;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    expect(broadcast).toMatchObject({ total_recipients: 3, sent_count: 3, failed_count: 0, delivered_count: 3 });
    const recipients = await (await fetch(`${s.base}/platform/v1/whatsapp/broadcasts/${created.id}/recipients`, { headers: { 'x-api-key': details.api_key } })).json();
    const first = recipients.data[0];
    const message = await (await fetch(`${s.base}/v24.0/${details.phone_number.id}/messages/${encodeURIComponent(first.wamid)}`, { headers: { 'x-api-key': details.api_key } })).json();
    expect(message).toMatchObject({ type: 'template', template: { name: 'sandbox_hello' } });
    expect(JSON.stringify(message.template)).toContain('Maya');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
