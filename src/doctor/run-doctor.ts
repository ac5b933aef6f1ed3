import { openBlobStore } from '../blobs/open-blob-store.ts';
import type { Config } from '../config.ts';
import type { Cipher } from '../crypto/secrets.ts';
import type { Database } from '../db/connect.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { GraphClient } from '../graph/graph-client.ts';
import { listPhoneNumbers } from '../tenants/store.ts';
import { type CheckResult, fail, ok, warn } from './check.ts';
import { checkConfig } from './checks-config.ts';
import { checkAutovacuum, checkDatabase, checkMigrations, type ExplainFailure } from './checks-database.ts';
import { checkMediaStore } from './checks-media.ts';
import { checkNumberAtMeta, numberNotTried } from './checks-meta.ts';
import { checkSecret, opens } from './checks-secret.ts';
import { checkWebhookUrl, type Resolve } from './checks-webhooks.ts';
import { listActiveWebhooks } from './store.ts';

export interface DoctorOptions {
  /** Parses the environment (config.ts's loadConfig). */
  loadConfig: () => Config;
  explainFailure: ExplainFailure;
  resolve?: Resolve;
}

/** Graph calls of the Meta checks give up sooner than sends do: a doctor run should not hang. */
const META_TIMEOUT_MS = 10_000;
/** Numbers asked at Meta at once. */
const META_CONCURRENCY = 8;

/**
 * Runs every check in order and returns one result each: configuration, database, migrations,
 * autovacuum (PostgreSQL), secret, media store, each real number at Meta, each webhook URL. A
 * check that needs what an earlier one found broken says it was not tried. Opens what a one-shot
 * command opens and writes nothing (no lock, no migration, no generated secret), so it runs beside `serve`.
 */
export async function runDoctor(opts: DoctorOptions): Promise<CheckResult[]> {
  const { result, config } = checkConfig(opts.loadConfig);
  if (!config) return [result];
  const results = [result];
  const { result: reached, database } = await checkDatabase(config, opts.explainFailure);
  results.push(reached);
  const blobs = openBlobStore(config.media);
  try {
    const numbers = database ? await migratedNumbers(database, results) : null;
    if (database) results.push(...(await autovacuumOf(database)));
    const { result: secret, cipher } = checkSecret(config, numbers);
    results.push(secret);
    results.push(await checkMediaStore(blobs, config.media.store));
    if (database && numbers) {
      results.push(...(await checkNumbers(config, numbers, cipher)));
      results.push(...(await checkWebhooks(config, database, opts.resolve)));
    } else {
      const later = 'fix the database checks above, then run `switchboard doctor` again';
      results.push(warn('meta', 'numbers not tried at Meta: the database is not ready', later), warn('webhooks', 'URLs not tried: the database is not ready', later));
    }
  } finally {
    await blobs.close();
    await database?.close();
  }
  return results;
}

/** The migrations check; the live numbers when the schema is current (null otherwise: nothing else can be read). */
async function migratedNumbers(database: Database, results: CheckResult[]): Promise<PhoneNumberRow[] | null> {
  try {
    const { result, current } = await checkMigrations(database);
    results.push(result);
    return current ? await listPhoneNumbers(database.db) : null;
  } catch (err) {
    // The database answered `select 1` but not this (lost meanwhile, or a schema this build cannot read).
    results.push(fail('migrations', `the schema could not be read: ${(err as Error).message}`, 'check the database, then run `switchboard doctor` again'));
    return null;
  }
}

/** The autovacuum check (PostgreSQL only), or a warning that the setting could not be read. */
async function autovacuumOf(database: Database): Promise<CheckResult[]> {
  try {
    const result = await checkAutovacuum(database);
    return result ? [result] : [];
  } catch (err) {
    return [warn('autovacuum', `the setting could not be read: ${(err as Error).message}`, 'check the database, then run `switchboard doctor` again')];
  }
}

/** Each real number at Meta, a few at a time; one `ok` line when there is none. */
async function checkNumbers(config: Config, numbers: readonly PhoneNumberRow[], cipher: Cipher | null): Promise<CheckResult[]> {
  // The sandbox's number talks to the simulator inside `serve`: there is no Meta to ask.
  const real = numbers.filter((n) => n.is_sandbox === 0);
  if (real.length === 0) return [ok('meta', 'no real numbers to check')];
  const graph = new GraphClient({ timeoutMs: Math.min(config.meta.timeoutMs, META_TIMEOUT_MS), connectTimeoutMs: 5_000 });
  const results: CheckResult[] = [];
  try {
    for (let i = 0; i < real.length; i += META_CONCURRENCY) {
      const batch = real.slice(i, i + META_CONCURRENCY);
      results.push(...(await Promise.all(batch.map((n) => (cipher && opens(cipher, n) ? checkNumberAtMeta({ cipher, graph, config }, n) : numberNotTried(n))))));
    }
  } finally {
    await graph.close();
  }
  return results;
}

/** Each active subscription's URL; one `ok` line when there is none. */
async function checkWebhooks(config: Config, database: Database, resolve: Resolve | undefined): Promise<CheckResult[]> {
  const webhooks = await listActiveWebhooks(database.db);
  if (webhooks.length === 0) return [ok('webhooks', 'no active subscriptions')];
  const allowPrivate = config.webhooks.allowPrivateUrls;
  return Promise.all(webhooks.map((w) => checkWebhookUrl(w, { allowPrivate, ...(resolve ? { resolve } : {}) })));
}
