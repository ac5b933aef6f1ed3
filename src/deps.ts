import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database } from './db/connect.ts';
import type { CursorCodec } from './http/cursor.ts';
import type { Readiness } from './http/readiness.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import type { MediaUrlSigner } from './crypto/signed-url.ts';
import type { WakeSignal } from './jobs/wake-signal.ts';
import type { GraphClient } from './graph/graph-client.ts';
import type { Cipher } from './crypto/secrets.ts';
import type { SendGovernor } from './pacing/send-governor.ts';
import type { Metrics } from './metrics/metrics.ts';

/*
 * The one object passed to routes, workers and CLI commands (style.md §7). This module holds only
 * its type, over types of the plumbing folders, so every domain can depend on it; create-deps.ts
 * builds it.
 */

/** Everything routes, the worker and CLI commands need, built once and passed explicitly. */
export interface Deps {
  config: Config;
  database: Database;
  log: Logger;
  clock: Clock;
  cipher: Cipher;
  graph: GraphClient;
  /** Signs and checks the history lists' cursors; keyed from the same secret as the cipher. */
  cursors: CursorCodec;
  /** Signs and checks `/media/{id}` URLs; keyed from the same secret, with its own label. */
  mediaUrls: MediaUrlSigner;
  /** Where media files are kept (MEDIA_STORE). */
  blobs: BlobStore;
  /** Rung after commits that write outbox events, to wake this process's delivery worker. */
  outboxBell: WakeSignal;
  /** Rung after commits that queue media downloads, to wake this process's media worker. */
  mediaBell: WakeSignal;
  /** Rung after commits that start a broadcast, to wake this process's broadcast worker. */
  broadcastBell: WakeSignal;
  /** Paces every send to Meta by its number's rate and its customer's pair rate. */
  governor: SendGovernor;
  /** What `/readyz` reports: the database probe and the components `serve` has started. */
  readiness: Readiness;
  /** This process's Prometheus metrics (metrics/metrics.ts), served at /metrics when configured. */
  metrics: Metrics;
}
