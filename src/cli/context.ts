import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { closeDeps, createDeps, createLogger } from '../create-deps.ts';
import type { Deps } from '../deps.ts';
import { resealLegacySecrets } from '../tenants/reseal-secrets.ts';
import { claimStore, createdStoreNotice } from './open-store.ts';

/** Prints a command's result: one JSON object with --json, else a short human summary. */
export function output(json: boolean, value: unknown, human: string): void {
  console.log(json ? JSON.stringify(value) : human);
}

/**
 * Runs a one-shot command with dependencies built from the environment and the schema up to
 * date; closes the database afterwards. Commands log only warnings to stderr, so stdout stays
 * the command's own output.
 */
export async function withDeps<T>(fn: (deps: Deps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = claimStore(config, { serving: false });
  const deps = createDeps(config, { log: createLogger(config.log.commandLevel, 'stderr') });
  if (store.created) console.error(createdStoreNotice(config, store));
  try {
    await migrateToLatest(deps.database);
    await resealLegacySecrets(deps);
    return await fn(deps);
  } finally {
    await closeDeps(deps);
  }
}
