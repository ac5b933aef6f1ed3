import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { runCliJson, startServe } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { signIn } from '../helpers/inbox-session.ts';
import { openEventStream } from '../helpers/sse-client.ts';

describe.each(dialects)('switchboard serve with an open live stream (%s)', { timeout: 90_000 }, (dialect) => {
  const running: ChildProcess[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('ends the stream and stops promptly on SIGTERM', async () => {
    const env = { DATABASE_URL: isolatedDatabaseUrlFor(dialect, 'serve-sse'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', SANDBOX: 'false' };
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'live'], env);
    const password = 'a-long-enough-password-for-tests';
    runCliJson(['users', 'add', '--project', project.id, '--email', `live-${dialect}@example.test`, '--role', 'agent', '--password', password], env);
    const s = await startServe(env);
    running.push(s.child);
    const session = await signIn(s.base, `live-${dialect}@example.test`, password);
    const stream = await openEventStream(`${s.base}/inbox/api/events`, { cookie: session.cookie });
    expect(stream.status).toBe(200);

    const started = Date.now();
    s.child.kill('SIGTERM');
    expect(await s.exited, s.output()).toBe(0);
    // serve's own deadline is 10 s: a stream holding the server open would reach it and exit 1.
    expect(Date.now() - started).toBeLessThan(5_000);
    await stream.ended;
  });
});
