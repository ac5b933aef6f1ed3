/**
 * What a process decides by the store it runs on, named here so that nothing outside db/ tests
 * which dialect is running (style.md rule 9). Known from the URL alone, so a process can ask
 * before it connects (the secret is resolved first).
 */
export interface StoreCapabilities {
  /**
   * One process serves the store: SQLite has one writer, and `serve`/`worker` hold the file's
   * lock (sqlite-lock.ts). The sandbox runs only there: its simulated Meta lives inside that one
   * `serve`, where a PostgreSQL deployment runs several.
   */
  readonly singleServingProcess: boolean;
  /** Ingest batches that may commit at once: one on SQLite's single writer, several side by side on PostgreSQL. */
  readonly concurrentCommitBatches: number;
  /**
   * With no SWITCHBOARD_SECRET, one may be generated and kept beside the store: every process of
   * an embedded store runs on its machine, where PostgreSQL's may run on several hosts.
   */
  readonly generatesSecret: boolean;
  /**
   * `switchboard backup`/`restore` copy the store themselves (one file, through SQLite's online
   * backup); a PostgreSQL database is dumped and restored with pg_dump and pg_restore.
   */
  readonly copiedByBackup: boolean;
}

const EMBEDDED: StoreCapabilities = Object.freeze({ singleServingProcess: true, concurrentCommitBatches: 1, generatesSecret: true, copiedByBackup: true });
const SERVER: StoreCapabilities = Object.freeze({ singleServingProcess: false, concurrentCommitBatches: 4, generatesSecret: false, copiedByBackup: false });

/** The capabilities of the store a DATABASE_URL names (`sqlite:` embedded, else PostgreSQL). */
export function storeCapabilities(url: string): StoreCapabilities {
  return url.startsWith('sqlite:') ? EMBEDDED : SERVER;
}
