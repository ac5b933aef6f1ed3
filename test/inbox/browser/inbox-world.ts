import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../../src/app.ts';
import { systemClock } from '../../../src/clock.ts';
import { loadConfig } from '../../../src/config.ts';
import { closeDeps, createDeps, createLogger } from '../../../src/create-deps.ts';
import { migrateToLatest } from '../../../src/db/migrate.ts';
import { startMediaWorker } from '../../../src/media/embedded.ts';
import { buildSimulator, type Simulator } from '../../../src/simulator/index.ts';
import { signInLinkFor } from '../../../src/tenants/users.ts';
import { isolatedDatabaseUrlFor, type TestDialect } from '../../helpers/dialects.ts';
import { freePort } from '../../helpers/cli.ts';
import type { TestNumber, TestProject } from '../../helpers/factories.ts';
import type { TestGateway } from '../../helpers/harness.ts';
import { newTenantOnBothSides } from '../../helpers/with-simulator.ts';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The desktop window the tests browse in (phone-width screens set their own). */
export const DESKTOP = { viewport: { width: 1280, height: 800 } };

/**
 * One headless Chromium for a test file: launched before its tests, closed after them. Returns
 * the getter of the running browser.
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    // --no-sandbox: CI and test machines run as root, where Chromium's sandbox refuses to start.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running: useChromium() starts it before the tests');
    return browser;
  };
}

/** Signs a member in as a newcomer does: opens a one-time link and presses its **Sign in** button. */
export async function signInByLink(page: Page, world: InboxWorld, userId: string): Promise<void> {
  await page.goto(await signInLinkFor(world.gw.deps, userId));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A moving clock for the simulator: `shift(ms)` moves it away from real time, `shift(0)` back. */
export interface ShiftableClock {
  now(): number;
  shift(ms: number): void;
}

export interface InboxWorld {
  gw: TestGateway;
  sim: Simulator;
  simClock: ShiftableClock;
  /** The gateway's origin, also its PUBLIC_URL, so media URLs point where the browser is. */
  url: string;
  /** The simulator's origin (the gateway's META_GRAPH_URL). */
  simulatorUrl: string;
  newTenant(): Promise<TestProject & TestNumber>;
  close(): Promise<void>;
}

/**
 * A gateway with its media worker on the real clock (a browser's cookies, and the 24-hour window it shows, are judged by
 * real time), listening on loopback at the port its PUBLIC_URL names, with the simulator as Meta
 * sending its webhooks back over HTTP: what `switchboard serve` with the sandbox runs.
 */
export async function startInboxWorld(dialect: TestDialect): Promise<InboxWorld> {
  let offsetMs = 0;
  const simClock: ShiftableClock = { now: () => Date.now() + offsetMs, shift: (ms) => void (offsetMs = ms) };
  const sim = await buildSimulator({ clock: simClock, statusDelaysMs: { sent: 150, delivered: 500, read: 900 } });
  const simulatorUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const mediaDir = mkdtempSync(join(tmpdir(), 'switchboard-inbox-media-'));
  const config = loadConfig({
    // Its own database: the media worker below claims every download of the database it runs on.
    DATABASE_URL: isolatedDatabaseUrlFor(dialect, 'inbox-browser'),
    SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop',
    LOG_LEVEL: 'silent',
    META_GRAPH_URL: simulatorUrl,
    PUBLIC_URL: url,
    MEDIA_STORE: `file:${mediaDir}`,
  });
  const deps = createDeps(config, { clock: systemClock, log: createLogger('silent') });
  await migrateToLatest(deps.database);
  const app = await buildApp(deps);
  await app.listen({ port, host: '127.0.0.1' });
  // As `serve` runs it: sent and received media are copied into the store, so the thread shows them.
  const mediaWorker = startMediaWorker(deps);
  const unsettable = () => {
    throw new Error('the inbox world runs on the real clock');
  };
  const gw: TestGateway = {
    app,
    deps,
    dialect,
    clock: { now: () => Date.now(), set: unsettable, advance: unsettable },
    close: async () => {
      await mediaWorker.stop(2_000);
      await app.close();
      await closeDeps(deps);
    },
  };
  return {
    gw,
    sim,
    simClock,
    url,
    simulatorUrl,
    newTenant: () => newTenantOnBothSides(gw, sim, url, 'inbox'),
    async close() {
      await sim.close();
      await gw.close();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}
