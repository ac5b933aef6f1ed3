import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { closeDeps, createDeps, createLogger } from '../../src/create-deps.ts';
import type { Clock } from '../../src/clock.ts';
import type { Deps } from '../../src/deps.ts';
import type { BlobStore } from '../../src/blobs/blob-store.ts';
import { databaseUrlFor, isolatedDatabaseUrlFor, type TestDialect } from './dialects.ts';

/** A clock tests move by hand. */
export interface TestClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function createTestClock(start = Date.parse('2026-01-01T12:00:00Z')): TestClock {
  let t = start;
  return { now: () => t, set: (ms) => void (t = ms), advance: (ms) => void (t += ms) };
}

export interface TestGateway {
  app: FastifyInstance;
  deps: Deps;
  clock: TestClock;
  dialect: TestDialect;
  close(): Promise<void>;
}

/**
 * A gateway on a real database of the given dialect: SQLite in a file of its own, PostgreSQL in
 * this run's schema. Tests stay independent by creating their own projects and numbers. Tests that
 * run delivery workers ask for `isolated`: a worker claims the deliveries of every project in its
 * database, so on a shared schema it would deliver other tests' events on its own clock.
 */
export async function startGateway(
  dialect: TestDialect,
  env: Record<string, string> = {},
  opts: { isolated?: boolean; blobs?: BlobStore; log?: Logger } = {},
): Promise<TestGateway> {
  const config = loadConfig({
    DATABASE_URL: opts.isolated ? isolatedDatabaseUrlFor(dialect, 'gw') : databaseUrlFor(dialect, 'gw'),
    SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const clock = createTestClock();
  const deps = createDeps(config, { clock, log: opts.log ?? createLogger('silent'), ...(opts.blobs ? { blobs: opts.blobs } : {}) });
  await migrateToLatest(deps.database);
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    clock,
    dialect,
    close: async () => {
      await app.close();
      await closeDeps(deps);
    },
  };
}
