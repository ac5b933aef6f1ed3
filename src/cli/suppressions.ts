import type { Command } from 'commander';
import { presentSuppression } from '../broadcasts/present.ts';
import { SUPPRESSION_REASONS } from '../broadcasts/schemas.ts';
import { listSuppressionsPage, countSuppressions } from '../broadcasts/suppression-store.ts';
import { addSuppression, removeSuppression } from '../broadcasts/suppressions.ts';
import type { Deps } from '../deps.ts';
import { findProject } from '../tenants/store.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { output, withDeps } from './context.ts';

async function requireProject(deps: Deps, id: string): Promise<void> {
  if (!(await findProject(deps.database.db, id))) throw new TenancyError(`no project ${id}`);
}

/** `switchboard suppressions list|add|remove --project ID …`: the numbers broadcasts skip (docs/broadcasts.md). */
export function registerSuppressionCommands(program: Command): void {
  const suppressions = program.command('suppressions').description("a project's broadcast suppression list");
  suppressions
    .command('list')
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print one JSON object')
    .action(async (o: { project: string; json?: boolean }) => {
      const rows = await withDeps(async (deps) => {
        await requireProject(deps, o.project);
        return listSuppressionsPage(deps.database.db, o.project, 0, await countSuppressions(deps.database.db, o.project));
      });
      const listed = rows.map(presentSuppression);
      output(!!o.json, { suppressions: listed }, listed.map((s) => `${String(s.phone_number)}  ${String(s.reason)}  ${String(s.created_at)}`).join('\n') || 'no suppressed numbers');
    });
  suppressions
    .command('add')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--phone-number <e164>', 'the number never to broadcast to')
    .option('--reason <reason>', `one of ${SUPPRESSION_REASONS.join(', ')}`, 'manual')
    .option('--json', 'print one JSON object')
    .action(async (o: { project: string; phoneNumber: string; reason: string; json?: boolean }) => {
      if (!(SUPPRESSION_REASONS as readonly string[]).includes(o.reason)) throw new TenancyError(`--reason must be one of ${SUPPRESSION_REASONS.join(', ')}`);
      const { row, added } = await withDeps(async (deps) => {
        await requireProject(deps, o.project);
        return addSuppression(deps, o.project, { phoneNumber: o.phoneNumber, reason: o.reason, errorCode: null, source: 'cli' });
      });
      output(!!o.json, { suppression: presentSuppression(row), added }, added ? `${row.wa_id} suppressed (${row.reason})` : `${row.wa_id} was already suppressed (${row.reason})`);
    });
  suppressions
    .command('remove')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--phone-number <e164>', 'the number to broadcast to again')
    .option('--json', 'print one JSON object')
    .action(async (o: { project: string; phoneNumber: string; json?: boolean }) => {
      const removed = await withDeps(async (deps) => {
        await requireProject(deps, o.project);
        return removeSuppression(deps, o.project, o.phoneNumber);
      });
      output(!!o.json, { removed }, removed ? 'removed' : 'that number was not suppressed');
      if (!removed) process.exitCode = 1;
    });
}
