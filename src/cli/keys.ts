import type { Command } from 'commander';
import { findProject, listApiKeys, revokeApiKey } from '../tenants/store.ts';
import { createApiKey, TenancyError } from '../tenants/tenancy.ts';
import { output, withDeps } from './context.ts';

/** `switchboard keys create --project ID`, `keys list --project ID`, `keys revoke --key KEY|PREFIX|ID` */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('manage project API keys');
  keys
    .command('create')
    .description('issue another API key for a project (shown once)')
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const apiKey = await withDeps((deps) => createApiKey(deps, opts.project));
      output(!!opts.json, { api_key: apiKey }, `api key: ${apiKey}\n(the key is shown only this once)`);
    });
  keys
    .command('revoke')
    .description('revoke a key, given the key itself, its id or its prefix')
    .requiredOption('--key <key>', 'the API key, its id, or its prefix')
    .option('--json', 'print one JSON object')
    .action(async (opts: { key: string; json?: boolean }) => {
      const prefix = /^sbk_([A-Za-z0-9]{12})_/.exec(opts.key)?.[1] ?? opts.key;
      const revoked = await withDeps((deps) => revokeApiKey(deps.database.db, prefix, deps.clock.now()));
      output(!!opts.json, { revoked }, revoked ? 'revoked' : 'no live key matched');
      if (!revoked) process.exitCode = 1;
    });
  keys
    .command('list')
    .description("list a project's keys (id, prefix, state; never the keys themselves)")
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const rows = await withDeps(async (deps) => {
        if (!(await findProject(deps.database.db, opts.project))) throw new TenancyError(`no project ${opts.project}`);
        return listApiKeys(deps.database.db, opts.project);
      });
      const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
      const listed = rows.map((k) => ({ id: k.id, prefix: k.prefix, created_at: iso(k.created_at), revoked_at: iso(k.revoked_at) }));
      output(!!opts.json, { api_keys: listed }, listed.map((k) => `${k.id}  sbk_${k.prefix}_…  ${k.revoked_at ? `revoked ${k.revoked_at}` : 'live'}`).join('\n') || 'no keys');
    });
}
