import type { Config } from '../config.ts';
import type { PhoneNumberRow } from '../db/schema.ts';

/** The Graph origin a number talks to: its own (the sandbox's simulator) or META_GRAPH_URL. */
export function graphOriginOf(deps: { config: Pick<Config, 'meta'> }, number: PhoneNumberRow): string {
  return number.graph_url ?? deps.config.meta.graphUrl;
}
