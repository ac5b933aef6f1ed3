import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

interface Webhook {
  id: string;
  url: string;
  kind: string;
  events: string[];
  secret_key: string;
  headers: Record<string, string>;
  phone_number_id: string | null;
  project_id: string;
  active: boolean;
  paused: boolean;
  buffer_enabled: boolean;
  buffer_window_seconds: number;
  max_buffer_size: number;
  inactivity_minutes: number;
}

describe.each(dialects)('switchboard webhooks (%s)', { timeout: 90_000 }, (dialect) => {
  const env = { DATABASE_URL: databaseUrlFor(dialect, 'cli-webhooks'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn' };

  /** A project with one number, made through the CLI. */
  const tenant = () => {
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'hooks'], env);
    const pnid = `6${Date.now()}${Math.floor(Math.random() * 1000)}`;
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '15550102030', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 's', '--verify-token', 'v'], env);
    return { projectId: project.id, phoneNumberId: pnid };
  };
  // Every spawn costs about a second, so the refusal cases share one tenant.
  let shared: ReturnType<typeof tenant>;
  beforeAll(() => {
    shared = tenant();
  }, 60_000);

  it('adds, lists, resumes and removes webhooks, each printing one JSON object', () => {
    const t = tenant();
    const { webhook } = runCliJson<{ webhook: Webhook }>(
      ['webhooks', 'add', '--project', t.projectId, '--phone-number-id', t.phoneNumberId, '--url', 'https://api.acme.com/hook',
        '--events', 'whatsapp.message.received, whatsapp.message.sent', '--header', 'X-Source=cli', '--header', 'X-Team=ops=1',
        '--buffer', '--buffer-window', '10', '--max-buffer', '20', '--inactivity-minutes', '30'],
      env,
    );
    expect(webhook).toMatchObject({
      url: 'https://api.acme.com/hook',
      kind: 'kapso',
      events: ['whatsapp.message.received', 'whatsapp.message.sent'],
      headers: { 'X-Source': 'cli', 'X-Team': 'ops=1' },
      phone_number_id: t.phoneNumberId,
      project_id: t.projectId,
      buffer_enabled: true,
      buffer_window_seconds: 10,
      max_buffer_size: 20,
      inactivity_minutes: 30,
      active: true,
      paused: false,
    });
    expect(webhook.secret_key).toMatch(/^[0-9a-f]{64}$/);

    const project = runCliJson<{ webhook: Webhook }>(
      ['webhooks', 'add', '--project', t.projectId, '--url', 'https://api.acme.com/lifecycle', '--events', 'whatsapp.phone_number.created', '--secret', 'a-secret-of-16-chars'],
      env,
    ).webhook;
    expect(project).toMatchObject({ phone_number_id: null, secret_key: 'a-secret-of-16-chars' });

    const listed = runCliJson<{ webhooks: Webhook[] }>(['webhooks', 'list', '--project', t.projectId], env);
    expect(listed.webhooks.map((w) => w.id).sort()).toEqual([webhook.id, project.id].sort());
    const onNumber = runCliJson<{ webhooks: Webhook[] }>(['webhooks', 'list', '--project', t.projectId, '--phone-number-id', t.phoneNumberId], env);
    expect(onNumber.webhooks).toEqual([webhook]);

    const resumed = runCliJson<{ webhook: Webhook }>(['webhooks', 'resume', '--project', t.projectId, '--id', webhook.id], env);
    expect(resumed.webhook).toMatchObject({ id: webhook.id, active: true, paused: false, secret_key: webhook.secret_key });

    expect(runCliJson(['webhooks', 'remove', '--project', t.projectId, '--id', webhook.id], env)).toEqual({ removed: true });
    const again = runCli(['webhooks', 'remove', '--project', t.projectId, '--id', webhook.id, '--json'], env);
    expect(again.status).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({ removed: false });
    expect(runCliJson<{ webhooks: Webhook[] }>(['webhooks', 'list', '--project', t.projectId], env).webhooks.map((w) => w.id)).toEqual([project.id]);
  });

  it.each<[string, string[], string]>([
    [
      'a private URL, saying which setting the command read and that the gateway needs it too',
      ['--url', 'http://127.0.0.1:9000/x', '--events', 'whatsapp.message.received'],
      'url host 127.0.0.1 is a local or private address, which webhooks may not target. This command ran with WEBHOOK_ALLOW_PRIVATE_URLS unset (false);'
        + " to allow such URLs for local development, set WEBHOOK_ALLOW_PRIVATE_URLS=true for this command and for the gateway's serve and worker processes, which check again at every delivery.",
    ],
    ['an unknown event', ['--url', 'https://api.acme.com/x', '--events', 'whatsapp.message.nope'], "Unknown event 'whatsapp.message.nope'; a phone-number webhook accepts whatsapp.message.received, "],
    ['an unknown event with a loopback URL', ['--url', 'http://localhost:3000/x', '--events', 'message.received'], "Unknown event 'message.received'; a phone-number webhook accepts whatsapp.message.received, "],
    ['a short secret', ['--url', 'https://api.acme.com/x', '--events', 'whatsapp.message.received', '--secret', 'short'], 'secret_key: secret_key must be at least 16 characters'],
    ['a reserved header', ['--url', 'https://api.acme.com/x', '--events', 'whatsapp.message.received', '--header', 'Host=x'], "header 'Host' is set by the gateway"],
    ['a header without =', ['--url', 'https://api.acme.com/x', '--events', 'whatsapp.message.received', '--header', 'X-A'], "--header wants name=value, got 'X-A'"],
    ['a buffer window out of range', ['--url', 'https://api.acme.com/x', '--events', 'whatsapp.message.received', '--buffer', '--buffer-window', '90'], 'buffer_window_seconds:'],
  ])('refuses %s with one line on stderr, like the HTTP API', (_label, args, message) => {
    const r = runCli(['webhooks', 'add', '--project', shared.projectId, '--phone-number-id', shared.phoneNumberId, ...args, '--json'], env);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it('refuses a phone number of another project, a project that does not exist, and resuming a foreign webhook', () => {
    const a = shared;
    const b = tenant();
    const foreign = runCli(['webhooks', 'add', '--project', b.projectId, '--phone-number-id', a.phoneNumberId, '--url', 'https://api.acme.com/x', '--events', 'whatsapp.message.received', '--json'], env);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain(`no phone number ${a.phoneNumberId} in project ${b.projectId}`);
    const missing = runCli(['webhooks', 'add', '--project', '00000000-0000-0000-0000-000000000000', '--url', 'https://api.acme.com/x', '--events', 'whatsapp.phone_number.created', '--json'], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no project');

    const { webhook } = runCliJson<{ webhook: Webhook }>(['webhooks', 'add', '--project', a.projectId, '--url', 'https://api.acme.com/x', '--events', 'whatsapp.phone_number.created'], env);
    const r = runCli(['webhooks', 'resume', '--project', b.projectId, '--id', webhook.id, '--json'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no webhook ${webhook.id} in project ${b.projectId}`);
  });
});
