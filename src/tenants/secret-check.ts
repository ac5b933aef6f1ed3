import { join } from 'node:path';
import { ConfigError } from '../config.ts';
import { storeCapabilities } from '../db/capabilities.ts';
import type { Deps } from '../deps.ts';
import { findSealedWithPrefix, SEALED_COLUMNS } from './sealed-store.ts';

/**
 * Refuses to start when SWITCHBOARD_SECRET cannot open the secrets already stored: otherwise the
 * gateway reports ready and then answers every send and Meta webhook with 500. One sealed value
 * is tried (a wrong secret fails on any of them). Called at every start, before re-sealing.
 */
export async function assertSecretOpensStoredData(deps: Pick<Deps, 'database' | 'cipher' | 'config'>): Promise<void> {
  for (const target of SEALED_COLUMNS) {
    for (const prefix of ['v2:', 'v1:']) {
      const [row] = await findSealedWithPrefix(deps.database.db, target, prefix, 1);
      if (!row) continue;
      try {
        deps.cipher.decrypt(row.sealed, { table: target.table, column: target.column, rowId: row.rowId });
        return;
      } catch {
        throw new ConfigError(mismatch(deps.config));
      }
    }
  }
}

function mismatch(config: Pick<Deps['config'], 'secret' | 'db'>): string {
  const generated = join(config.db.dataDir, 'secret.key');
  const embedded = storeCapabilities(config.db.url).generatesSecret;
  if (config.secret === undefined) {
    return `the secret in ${generated} (the generated SWITCHBOARD_SECRET) does not match the one this database's secrets were sealed with; set SWITCHBOARD_SECRET to that one`;
  }
  const hint = embedded ? ` (if it was generated, it is in ${generated}: unset SWITCHBOARD_SECRET to use it)` : '';
  return `SWITCHBOARD_SECRET does not match the secret this database's secrets were sealed with; set the one they were sealed with${hint}`;
}
