import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

let loaded: typeof PromClient | null = null;

/**
 * prom-client, loaded when the process makes its first metric (create-deps.ts makes them on first
 * use): a one-shot CLI command that records none skips its start-up, a tenth of the command's.
 */
export function promClient(): typeof PromClient {
  loaded ??= createRequire(import.meta.url)('prom-client') as typeof PromClient;
  return loaded;
}
