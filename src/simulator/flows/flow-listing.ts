import type { SimContext } from '../context.ts';
import type { SimFlow } from '../state.ts';
import { presentFlow } from './flow-fields.ts';

const encodeCursor = (index: number) => Buffer.from(`flow:${index}`).toString('base64url');
const decodeCursor = (cursor: string) => Number(/^flow:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1] ?? Number.NaN);

/**
 * `GET /{waba_id}/flows`: the WABA's flows in creation order, `limit` (default 25) per page with
 * opaque `before`/`after` cursors, each item projected to `fields`.
 */
export function listFlows(ctx: SimContext, flows: SimFlow[], query: { limit?: string; after?: string; before?: string; fields?: string }, linkFor: (cursor: { after?: string; before?: string }) => string) {
  const limit = Math.max(1, Math.min(1000, Number(query.limit) || 25));
  let start = 0;
  if (query.after !== undefined && Number.isFinite(decodeCursor(query.after))) start = decodeCursor(query.after) + 1;
  else if (query.before !== undefined && Number.isFinite(decodeCursor(query.before))) start = Math.max(0, decodeCursor(query.before) - limit);
  const page = flows.slice(start, start + limit);
  const data = page.map((flow) => presentFlow(ctx, flow, query.fields));
  if (page.length === 0) return { data, paging: { cursors: {} } };
  const before = encodeCursor(start);
  const after = encodeCursor(start + page.length - 1);
  return {
    data,
    paging: {
      cursors: { before, after },
      ...(start + page.length < flows.length ? { next: linkFor({ after }) } : {}),
      ...(start > 0 ? { previous: linkFor({ before }) } : {}),
    },
  };
}
