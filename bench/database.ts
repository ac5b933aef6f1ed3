import type { Dataset } from './dataset.ts';
import type { BenchDialect } from './options.ts';

/** Seconds spent generating the stored history, and on what followed it. */
export interface GenerationTiming {
  /** Inserting contacts, conversations and messages. */
  insertSeconds: number;
  /** Making the store ready to serve: a WAL checkpoint on SQLite, VACUUM ANALYZE on PostgreSQL. */
  settleSeconds: number;
}

/**
 * A fresh database of one dialect, owned by the bench: it holds the driver handle the bench uses
 * to generate data and check the server's writes, and removes everything at `drop`.
 */
export interface BenchDatabase {
  readonly dialect: BenchDialect;
  /** DATABASE_URL for the gateway's processes. */
  readonly url: string;
  /** Opens the bench's own connection; call after `switchboard migrate` created the tables. */
  open(): Promise<void>;
  /** Bulk-inserts the dataset with the driver, bypassing the gateway. */
  generate(dataset: Dataset): Promise<GenerationTiming>;
  countMessages(): Promise<number>;
  /**
   * Marks every outbox event dispatched, as the gateway's fan-out would have: the bare server
   * writes the events but never fans them out, and the gateway running after it must not be
   * charged for its backlog.
   */
  markEventsDispatched(): Promise<number>;
  /** How many of `wamids` are stored for the number. */
  countStored(phoneNumberId: string, wamids: readonly string[]): Promise<number>;
  /**
   * Removes the full-text search index of messages (migration 021: FTS5 table and triggers on
   * SQLite, the GIN index on PostgreSQL) from this bench's own database, to measure ingest
   * without it (bench/search-index.ts). Call after `open`, before `generate`.
   */
  dropSearchIndex(): Promise<void>;
  /** Closes the connection and deletes the database (file or schema). */
  drop(): Promise<void>;
}

export const CHECK_CHUNK = 5_000;
