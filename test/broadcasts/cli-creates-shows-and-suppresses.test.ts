import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/simulator/index.ts';
import { type JsonAnswer, newTemplateId } from '../helpers/broadcasts.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

const cli = runCliAsync;
async function cliJson(args: string[], env: Record<string, string>): Promise<JsonAnswer> {
  const r = await cli([...args, '--json'], env);
  if (r.status !== 0) throw new Error(`switchboard ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.each(dialects)('switchboard broadcasts and suppressions (%s)', { timeout: 120_000 }, (dialect) => {
  let sim: Simulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    sim = await buildSimulator();
    const simulatorUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
    env = { DATABASE_URL: databaseUrlFor(dialect, 'cli-broadcasts'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn', META_GRAPH_URL: simulatorUrl };
  });
  afterAll(() => sim.close());

  it('creates a broadcast from a CSV, reports bad rows by line, skips suppressed numbers, sends it and shows its counts', async () => {
    const { project } = await cliJson(['projects', 'create', '--name', 'cli-broadcasts'], env);
    const pnid = `7${Date.now()}`.slice(0, 15);
    const wabaId = `6${Date.now()}`.slice(0, 15);
    await cliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550103040', '--waba-id', wabaId, '--access-token', 'EAAG-cli', '--app-secret', 'cli-secret', '--verify-token', `v${pnid}`], env);
    sim.registerNumber({ phone_number_id: pnid, display_phone_number: '15550103040', waba_id: wabaId, access_token: 'EAAG-cli', app_secret: 'cli-secret', webhook_url: 'http://127.0.0.1:9/none' });
    const templateId = newTemplateId();
    sim.state.templates.set(templateId, {
      id: templateId, wabaId, name: 'cli_sale', language: 'en_US', category: 'MARKETING', parameterFormat: 'POSITIONAL', status: 'APPROVED', createdAtMs: Date.now(),
      components: [{ type: 'BODY', text: 'Hi {{1}}, code {{2}}.' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://s.example/{{1}}' }] }],
    });
    const suppressed = await cliJson(['suppressions', 'add', '--project', project.id, '--phone-number', '+14155550303', '--reason', 'marketing_opt_out'], env);
    expect(suppressed).toMatchObject({ added: true, suppression: { phone_number: '14155550303', reason: 'marketing_opt_out', source: 'cli' } });

    const file = join(mkdtempSync(join(tmpdir(), 'sb-broadcast-')), 'recipients.csv');
    writeFileSync(file, 'phone_number,1,2,button.0\n+14155550301,Maya,SAVE25,m1\n"+1 415 555 0302","Lee, Jr.",SAVE10,m2\n+14155550303,Opted,OUT,x\n+14155550304,Missing,,x\n+14155550301,Again,SAVE25,m1\n');
    const created = await cliJson(['broadcasts', 'create', '--project', project.id, '--phone-number-id', pnid, '--template-id', templateId, '--name', 'CLI sale', '--recipients', file, '--send'], env);
    expect(created.recipients).toEqual({
      added: 2,
      duplicates: 1,
      suppressed: 1,
      errors: ['Recipient 3: phone number is on the suppression list (marketing_opt_out)', 'Recipient 4: body parameter 2 needs a non-empty text'],
    });
    expect(created.broadcast).toMatchObject({ name: 'CLI sale', status: 'sending', total_recipients: 2, pending_count: 2, whatsapp_template: { id: templateId, name: 'cli_sale' } });

    const shown = await cliJson(['broadcasts', 'show', created.broadcast.id], env);
    expect(shown.broadcast).toMatchObject({ id: created.broadcast.id, status: 'sending', total_recipients: 2 });
    const human = await cli(['broadcasts', 'show', created.broadcast.id], env);
    expect(human.stdout).toContain('recipients 2: pending 2, sent 0, failed 0');

    expect((await cliJson(['suppressions', 'list', '--project', project.id], env)).suppressions.map((s: { phone_number: string }) => s.phone_number)).toEqual(['14155550303']);
    expect(await cliJson(['suppressions', 'remove', '--project', project.id, '--phone-number', '14155550303'], env)).toEqual({ removed: true });

    // A template that is not approved is refused in one line, and nothing is created.
    sim.state.templates.get(templateId)!.status = 'PAUSED';
    const refused = await cli(['broadcasts', 'create', '--project', project.id, '--phone-number-id', pnid, '--template-id', templateId, '--name', 'x'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe('switchboard: Template is not approved: Template cli_sale (en_US) is PAUSED; only approved templates can be broadcast.');
    expect((await cli(['broadcasts', 'show', '00000000-0000-0000-0000-000000000000'], env)).stderr.trim()).toBe('switchboard: no broadcast 00000000-0000-0000-0000-000000000000');
  });
});
