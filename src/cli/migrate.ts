import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { output } from './context.ts';
import { claimStore, createdStoreNotice } from './open-store.ts';

/**
 * `switchboard migrate`: applies pending migrations (serve does this on start too) and says which.
 * It needs only the database, not the secret: a deployment can migrate before its secret is set.
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--json', 'print one JSON object: {"applied":[names]}')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig();
      const store = claimStore(config, { serving: false });
      const database = connectDatabase(config.db.url);
      if (store.created) console.error(createdStoreNotice(config, store));
      let applied: string[];
      try {
        applied = await migrateToLatest(database);
      } finally {
        await database.close();
      }
      output(!!o.json, { applied }, describeApplied(applied));
    });
}

function describeApplied(applied: string[]): string {
  if (applied.length === 0) return 'already up to date';
  const count = `${applied.length} migration${applied.length === 1 ? '' : 's'}`;
  return `applied ${applied.join(', ')} (${count})`;
}
