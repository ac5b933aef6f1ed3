/**
 * One page of a Graph list (meta-cloud-api.md: `limit`, default 25, at most 1,000; opaque
 * `before`/`after` cursors; `next`/`previous` links while there is more), over a list the
 * simulator keeps in order. `kind` names the list inside its cursors, so one list's cursor means
 * nothing to another.
 */
export function graphPage<T, R>(
  items: readonly T[],
  kind: string,
  query: { limit?: number | undefined; after?: string | undefined; before?: string | undefined },
  present: (item: T) => R,
  linkFor: (cursor: { after?: string; before?: string }) => string,
) {
  const encode = (index: number) => Buffer.from(`${kind}:${index}`).toString('base64url');
  const decode = (cursor: string) => Number(new RegExp(`^${kind}:(\\d+)$`).exec(Buffer.from(cursor, 'base64url').toString())?.[1] ?? Number.NaN);
  const limit = Math.max(1, Math.min(1000, query.limit ?? 25));
  let start = 0;
  if (query.after !== undefined && Number.isFinite(decode(query.after))) start = decode(query.after) + 1;
  else if (query.before !== undefined && Number.isFinite(decode(query.before))) start = Math.max(0, decode(query.before) - limit);
  const page = items.slice(start, start + limit);
  const data = page.map(present);
  if (page.length === 0) return { data, paging: { cursors: {} } };
  const before = encode(start);
  const after = encode(start + page.length - 1);
  return {
    data,
    paging: {
      cursors: { before, after },
      ...(start + page.length < items.length ? { next: linkFor({ after }) } : {}),
      ...(start > 0 ? { previous: linkFor({ before }) } : {}),
    },
  };
}
