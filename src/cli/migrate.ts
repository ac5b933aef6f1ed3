import type { Command } from 'commander';
import { output, withDeps } from './context.ts';

/** `switchboard migrate`: applies pending migrations (serve does this on start too). */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      // withDeps migrates before running the body; the body only reports.
      await withDeps(async () => undefined);
      output(!!o.json, { migrated: true }, 'database schema is up to date');
    });
}
