import type { DatabaseProbe } from '../db/probe.ts';

/** A component `serve` starts: not yet serving, serving, or being shut down. */
export type ComponentState = 'starting' | 'ok' | 'stopping';

export interface ReadinessReport {
  ready: boolean;
  /** `ready`, `starting` (something has not started yet), `stopping`, or `unavailable` (the database). */
  status: 'ready' | 'starting' | 'stopping' | 'unavailable';
  /** Each component's state, and the database's (`ok` or `unreachable`). */
  checks: Record<string, string>;
}

/**
 * What `/readyz` reports. `serve` declares each component it is about to start (`expect`) and marks
 * it `ok` once it serves, so nothing is reported ready before everything started is serving; the
 * database is probed on every report. A process that declares nothing (tests, `app.inject`) is ready
 * when its database answers.
 */
export class Readiness {
  private readonly components = new Map<string, ComponentState>();

  constructor(private readonly probeDatabase: DatabaseProbe) {}

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

  /** The current report: ready only when the database answers and every component is `ok`. */
  async report(): Promise<ReadinessReport> {
    const reachable = await this.probeDatabase();
    const checks: Record<string, string> = { database: reachable ? 'ok' : 'unreachable', ...Object.fromEntries(this.components) };
    const states = [...this.components.values()];
    const status = states.includes('stopping') ? 'stopping' : !reachable ? 'unavailable' : states.includes('starting') ? 'starting' : 'ready';
    return { ready: status === 'ready', status, checks };
  }
}
