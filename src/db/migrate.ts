import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Database } from './connect.ts';
import * as init from './migrations/2026-11-25-001-init.ts';
import * as sendPath from './migrations/2026-11-25-002-send-path.ts';
import * as history from './migrations/2026-11-25-003-history.ts';
import * as webhooks from './migrations/2026-11-26-004-webhooks.ts';
import * as media from './migrations/2026-11-26-005-media.ts';
import * as mediaSources from './migrations/2026-11-27-006-media-sources.ts';
import * as mediaByMetaId from './migrations/2026-11-27-007-media-by-meta-id.ts';
import * as mediaQueue from './migrations/2026-11-27-008-media-queue.ts';
import * as currentConversation from './migrations/2026-11-27-009-current-conversation.ts';
import * as mediaLeases from './migrations/2026-12-06-011-media-leases.ts';
import * as numberRemoval from './migrations/2026-12-06-012-number-removal.ts';
import * as calls from './migrations/2026-12-06-013-calls.ts';
import * as businessScopedUserIds from './migrations/2026-12-06-014-business-scoped-user-ids.ts';
import * as flows from './migrations/2026-12-06-015-flows.ts';
import * as sendGovernor from './migrations/2026-12-06-016-send-governor.ts';
import * as broadcasts from './migrations/2026-12-06-017-broadcasts.ts';
import * as messagingLimits from './migrations/2026-12-07-018-messaging-limits.ts';
import * as broadcastSweepIndexes from './migrations/2026-12-07-019-broadcast-sweep-indexes.ts';
import * as inboxMembers from './migrations/2026-12-07-020-inbox-members.ts';
import * as messageSearch from './migrations/2026-12-07-021-message-search.ts';
import * as inboxConversations from './migrations/2026-12-07-022-inbox-conversations.ts';
import * as signInAttempts from './migrations/2026-12-07-024-sign-in-attempts.ts';
import * as sharedSendWindow from './migrations/2026-12-07-025-shared-send-window.ts';
import * as sendBudgetVersions from './migrations/2026-12-08-026-send-budget-versions.ts';

/** Every migration, in order. Listed statically so the set shipped with a build is exact. */
const migrations: Record<string, Migration> = {
  '2026-11-25-001-init': init,
  '2026-11-25-002-send-path': sendPath,
  '2026-11-25-003-history': history,
  '2026-11-26-004-webhooks': webhooks,
  '2026-11-26-005-media': media,
  '2026-11-27-006-media-sources': mediaSources,
  '2026-11-27-007-media-by-meta-id': mediaByMetaId,
  '2026-11-27-008-media-queue': mediaQueue,
  '2026-11-27-009-current-conversation': currentConversation,
  '2026-12-06-011-media-leases': mediaLeases,
  '2026-12-06-012-number-removal': numberRemoval,
  '2026-12-06-013-calls': calls,
  '2026-12-06-014-business-scoped-user-ids': businessScopedUserIds,
  '2026-12-06-015-flows': flows,
  '2026-12-06-016-send-governor': sendGovernor,
  '2026-12-06-017-broadcasts': broadcasts,
  '2026-12-07-018-messaging-limits': messagingLimits,
  '2026-12-07-019-broadcast-sweep-indexes': broadcastSweepIndexes,
  '2026-12-07-020-inbox-members': inboxMembers,
  '2026-12-07-021-message-search': messageSearch,
  '2026-12-07-022-inbox-conversations': inboxConversations,
  '2026-12-07-024-sign-in-attempts': signInAttempts,
  '2026-12-07-025-shared-send-window': sharedSendWindow,
  '2026-12-08-026-send-budget-versions': sendBudgetVersions,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The names of the migrations this build ships, oldest first (a restore refuses a newer store's backup). */
export function knownMigrationNames(): string[] {
  return Object.keys(migrations);
}

/**
 * Brings the schema up to date, or up to the migration named `upTo` (an upgrade is tested from the
 * schema an earlier release left). Kysely's migrator takes a lock (a row lock on PostgreSQL, the
 * write lock on SQLite), so concurrent starts run each migration once and the loser waits.
 */
export async function migrateToLatest(database: Database, upTo?: string): Promise<string[]> {
  const { db } = database;
  if (database.schema) {
    // A concurrent CREATE may lose the race; the schema exists either way.
    await sql`create schema if not exists ${sql.id(database.schema)}`.execute(db).catch(() => undefined);
  }
  const migrator = migratorOf(database);
  const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The migrations this build knows that the database has not applied, in order (`switchboard
 * doctor`). Reads Kysely's bookkeeping table only: creates nothing, takes no lock, so it runs
 * beside a serving process; a database never migrated has every migration pending.
 */
export async function pendingMigrations(database: Database): Promise<{ pending: string[]; known: number }> {
  const all = await migratorOf(database).getMigrations();
  return { pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name), known: all.length };
}

function migratorOf(database: Database): Migrator {
  // Name the schema of Kysely's own bookkeeping tables: unnamed, its existence check looks at
  // every schema and is fooled by another schema's tables (other deployments, test runs).
  const migrationTableSchema = database.schema ?? (database.dialect === 'postgres' ? 'public' : undefined);
  return new Migrator({ db: database.db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
}
