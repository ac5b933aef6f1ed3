import type { Deps } from '../deps.ts';
import { findSealedWithPrefix, replaceSealed, SEALED_COLUMNS } from './sealed-store.ts';
import { assertSecretOpensStoredData } from './secret-check.ts';

const BATCH = 200;

/**
 * Re-seals secrets stored in the legacy `v1` format (SHA-256 key, no associated data) in the
 * current one (HKDF key, bound to their row: crypto/secrets.ts). Run on every start, after the
 * migrations (a migration cannot, since it does not know SWITCHBOARD_SECRET). Idempotent and
 * safe when several processes start at once; returns how many values this call re-sealed. Refuses
 * (ConfigError) a secret that opens none of the stored values.
 */
export async function resealLegacySecrets(deps: Pick<Deps, 'database' | 'cipher' | 'log' | 'config'>): Promise<number> {
  // A wrong SWITCHBOARD_SECRET stops the start here, with one line (secret-check.ts).
  await assertSecretOpensStoredData(deps);
  const { db } = deps.database;
  let resealed = 0;
  for (const target of SEALED_COLUMNS) {
    const skipped = new Set<string>();
    for (;;) {
      const rows = (await findSealedWithPrefix(db, target, 'v1:', BATCH + skipped.size)).filter((r) => !skipped.has(r.rowId));
      if (rows.length === 0) break;
      for (const row of rows) {
        const slot = { table: target.table, column: target.column, rowId: row.rowId };
        let plain: string;
        try {
          plain = deps.cipher.decrypt(row.sealed, slot);
        } catch (err) {
          // A value that does not open (another secret, corruption) is left for an operator.
          deps.log.error({ err, table: target.table, column: target.column, rowId: row.rowId }, 'a stored secret does not decrypt; left as it is');
          skipped.add(row.rowId);
          continue;
        }
        if (await replaceSealed(db, target, row.rowId, row.sealed, deps.cipher.encrypt(plain, slot))) resealed++;
        // Changed meanwhile by another process: whatever it wrote is its to finish.
        else skipped.add(row.rowId);
      }
    }
  }
  if (resealed > 0) deps.log.info({ resealed }, 'secrets at rest re-sealed in the current format');
  return resealed;
}
