import type { DatabaseProbe } from '../db/probe.ts';

/** A component `serve` starts: not yet serving, serving, or being shut down. */
export type ComponentState = 'starting' | 'ok' | 'stopping';

/** A dependency's state now (cached about a second): `ok`, or a few words saying what is wrong. */
export type DependencyProbe = () => Promise<string>;

export interface ReadinessReport {
  ready: boolean;
  /** `ready`, `starting` (something has not started yet), `stopping`, or `unavailable` (a dependency). */
  status: 'ready' | 'starting' | 'stopping' | 'unavailable';
  /** Each dependency's state (`database`, `media_store`) and each component's. */
  checks: Record<string, string>;
}

/**
 * What `/readyz` reports. `serve` declares each component it is about to start (`expect`) and marks
 * it `ok` once it serves, so nothing is reported ready before everything started is serving; the
 * dependencies (the database, the media store) are probed on every report. A process that
 * declares nothing (tests, `app.inject`) is ready when its dependencies answer.
 */
export class Readiness {
  private readonly components = new Map<string, ComponentState>();

  constructor(
    private readonly probeDatabase: DatabaseProbe,
    private readonly probeMediaStore: DependencyProbe,
  ) {}

  /** Declares components that will start: reported `starting` until marked ready. */
  expect(...names: string[]): void {
    for (const name of names) this.components.set(name, 'starting');
  }

  /** Marks a component as serving. */
  ready(name: string): void {
    this.components.set(name, 'ok');
  }

  /** Drops a component that will not run after all (e.g. a retired sandbox). */
  forget(name: string): void {
    this.components.delete(name);
  }

  /** Marks every component as stopping (shutdown): load balancers stop sending work here. */
  stopping(): void {
    for (const name of this.components.keys()) this.components.set(name, 'stopping');
  }

  /** Whether the database answers now (cached about a second); reusable outside `/readyz`. */
  databaseReachable(): Promise<boolean> {
    return this.probeDatabase();
  }

  /** The current report: ready only when every dependency is `ok` and every component too. */
  async report(): Promise<ReadinessReport> {
    const [reachable, mediaStore] = await Promise.all([this.probeDatabase(), this.probeMediaStore()]);
    const dependencies = { database: reachable ? 'ok' : 'unreachable', media_store: mediaStore };
    const checks: Record<string, string> = { ...dependencies, ...Object.fromEntries(this.components) };
    const states = [...this.components.values()];
    const available = Object.values(dependencies).every((state) => state === 'ok');
    const status = states.includes('stopping') ? 'stopping' : !available ? 'unavailable' : states.includes('starting') ? 'starting' : 'ready';
    return { ready: status === 'ready', status, checks };
  }
}
