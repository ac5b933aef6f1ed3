import type { SimContext } from '../context.ts';
import type { SimFlow } from '../state.ts';
import { graphPage } from '../graph-page.ts';
import { presentFlow } from './flow-fields.ts';


/**
 * `GET /{waba_id}/flows`: the WABA's flows in creation order, `limit` (default 25) per page with
 * opaque `before`/`after` cursors, each item projected to `fields`.
 */
export function listFlows(ctx: SimContext, flows: SimFlow[], query: { limit?: string; after?: string; before?: string; fields?: string }, linkFor: (cursor: { after?: string; before?: string }) => string) {
  return graphPage(flows, 'flow', { after: query.after, before: query.before, limit: Number(query.limit) || undefined }, (flow) => presentFlow(ctx, flow, query.fields), linkFor);
}
