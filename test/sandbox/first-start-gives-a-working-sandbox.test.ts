import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliJson, startServe } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** The URL of the banner's `Open the inbox:` line. */
function printedSignInLink(output: string): string {
  const match = /^Open the inbox: (\S+\/inbox\/sign-in\/[A-Za-z0-9_-]{43})$/m.exec(output);
  if (!match?.[1]) throw new Error(`no sign-in link in the banner:\n${output}`);
  return match[1];
}

/**
 * Follows a sign-in link as a browser would: opens its page, then presses Sign in (a same-origin
 * form POST). The session's member, or null when the POST sent to ?sign_in=expired.
 */
async function signInAs(base: string, link: string): Promise<Record<string, string> | null> {
  const url = `${base}${new URL(link).pathname}`;
  expect((await fetch(url)).status).toBe(200);
  const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { origin: new URL(base).origin, 'content-type': 'application/x-www-form-urlencoded' } });
  expect(res.status).toBe(303);
  if (res.headers.get('location') !== '/') return null;
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  return ((await (await fetch(`${base}/inbox/api/session`, { headers: { cookie } })).json()) as { user: Record<string, string> }).user;
}

/** The newcomer's path: `npm start` on an empty folder, then the two printed curl lines. */
describe('the sandbox on first start (sqlite, the embedded default)', { timeout: 90_000 }, () => {
  const running: Array<{ child: { kill(signal: NodeJS.Signals): boolean; exitCode: number | null } }> = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  it('prints a key, a number, a one-time inbox link and two curl lines that send a text and read it back', async () => {
    expect(spawnSync('curl', ['--version']).status, 'curl is needed to run the printed lines').toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'sb-sandbox-'));
    const s = await startServe({}, dir);
    running.push(s);
    await waitFor('the sandbox banner', () => s.output().includes('Read it back by id:'), { timeoutMs: 30_000 });
    const lines = s.output().split('\n');
    const sendLine = lines[lines.findIndex((l) => l.startsWith('Send a text:')) + 1]?.trim() ?? '';
    const readLine = lines[lines.findIndex((l) => l.startsWith('Read it back by id:')) + 1]?.trim() ?? '';
    expect(sendLine).toContain('WAMID=');

    const printed = execFileSync('bash', ['-c', `${sendLine} >/dev/null && ${readLine}`], { encoding: 'utf8' });
    const message = JSON.parse(printed);
    expect(message).toMatchObject({ type: 'text', text: { body: 'Hello from Switchboard' }, kapso: { direction: 'outbound' } });

    // The details are the ones `switchboard sandbox --json` gives scripts, with a link of its own.
    const details = runCliJson<{ api_key: string; phone_number: { id: string }; customer_wa_id: string; sign_in_url: string }>(['sandbox'], {}, dir);
    expect(sendLine).toContain(details.api_key);
    expect(sendLine).toContain(details.phone_number.id);

    // The printed link signs the newcomer in to the team inbox as the sandbox's admin, once.
    const link = printedSignInLink(s.output());
    expect(await signInAs(s.base, link)).toMatchObject({ email: 'admin@sandbox.local', role: 'admin', project_name: 'sandbox' });
    expect(await signInAs(s.base, link)).toBeNull();
    expect(await signInAs(s.base, details.sign_in_url)).toMatchObject({ email: 'admin@sandbox.local' });

    // The simulated customer wrote first and echoes what it receives.
    await waitFor('the customer reads the message', async () => {
      const res = await fetch(`${s.base}/v24.0/${details.phone_number.id}/messages/${encodeURIComponent(message.id)}?fields=kapso(status)`, { headers: { 'x-api-key': details.api_key } });
      return (await res.json()).kapso.status === 'read';
    }, { timeoutMs: 30_000, intervalMs: 100 });
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);

    // A restart keeps the data and prints the same details again.
    const again = await startServe({}, dir);
    running.push(again);
    await waitFor('the sandbox banner again', () => again.output().includes('Read it back by id:'), { timeoutMs: 30_000 });
    expect(again.output()).toContain(details.api_key);
    // Every start prints a fresh link (links are single-use).
    const secondLink = printedSignInLink(again.output());
    expect(secondLink).not.toBe(link);
    expect(await signInAs(again.base, secondLink)).toMatchObject({ email: 'admin@sandbox.local' });
    const res = await fetch(`${again.base}/v24.0/${details.phone_number.id}/messages/${encodeURIComponent(message.id)}`, { headers: { 'x-api-key': details.api_key } });
    expect(res.status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('creates no sandbox when a real number is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-real-'));
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'real'], {}, dir);
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', '112233445566778', '--display-phone-number', '+15550102030', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 's', '--verify-token', 'v'], {}, dir);
    const s = await startServe({}, dir);
    running.push(s);
    // Ready means every component serve started serves: a sandbox would be among them, and its
    // banner printed before it was marked ready.
    let checks: Record<string, string> = {};
    await waitFor('serve reports ready', async () => {
      const res = await fetch(`${s.base}/readyz`);
      checks = ((await res.json()) as { checks: Record<string, string> }).checks;
      return res.status === 200;
    });
    expect(checks).toEqual({ database: 'ok', media_store: 'ok', http: 'ok', lifecycle_sweep: 'ok', outbox_worker: 'ok', media_worker: 'ok', broadcast_worker: 'ok' });
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).not.toContain('sandbox ready');
  });
});
