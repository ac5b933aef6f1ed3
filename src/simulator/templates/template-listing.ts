import type { SimTemplate } from '../state.ts';

/** The fields Graph returns when `fields` is not given (§6.2). */
const defaultFields = ['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id'];

/** A template in Graph's read shape, projected to `fields` (`id` always included). */
export function presentTemplate(template: SimTemplate, fields?: string): Record<string, unknown> {
  const full: Record<string, unknown> = {
    name: template.name,
    parameter_format: template.parameterFormat,
    components: template.components,
    language: template.language,
    status: template.status,
    category: template.category,
    id: template.id,
  };
  const wanted = fields ? [...fields.split(',').map((f) => f.trim()).filter(Boolean), 'id'] : defaultFields;
  return Object.fromEntries(Object.entries(full).filter(([key]) => wanted.includes(key)));
}

/** Query of `GET /{waba_id}/message_templates` (§6.2). */
export interface TemplateQuery {
  name?: string;
  status?: string;
  category?: string;
  language?: string;
  limit?: number;
  after?: string;
  before?: string;
  fields?: string;
}

const encodeCursor = (index: number) => Buffer.from(`idx:${index}`).toString('base64url');
const decodeCursor = (cursor: string) => Number(/^idx:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1] ?? Number.NaN);

/**
 * Filters (name by substring, status/category/language exactly, case-insensitive) and pages
 * with opaque `before`/`after` cursors; `next`/`previous` are built by `linkFor`.
 */
export function listTemplates(all: SimTemplate[], query: TemplateQuery, linkFor: (cursor: { after?: string; before?: string }) => string) {
  const eq = (a: string, b?: string) => b === undefined || a.toLowerCase() === b.toLowerCase();
  const matching = all.filter(
    (t) => (query.name === undefined || t.name.includes(query.name.toLowerCase())) && eq(t.status, query.status) && eq(t.category, query.category) && eq(t.language, query.language),
  );
  const limit = Math.max(1, Math.min(1000, query.limit ?? 25));
  let start = 0;
  if (query.after !== undefined && Number.isFinite(decodeCursor(query.after))) start = decodeCursor(query.after) + 1;
  else if (query.before !== undefined && Number.isFinite(decodeCursor(query.before))) start = Math.max(0, decodeCursor(query.before) - limit);
  const page = matching.slice(start, start + limit);
  const data = page.map((t) => presentTemplate(t, query.fields));
  if (page.length === 0) return { data, paging: { cursors: {} } };
  const before = encodeCursor(start);
  const after = encodeCursor(start + page.length - 1);
  return {
    data,
    paging: {
      cursors: { before, after },
      ...(start + page.length < matching.length ? { next: linkFor({ after }) } : {}),
      ...(start > 0 ? { previous: linkFor({ before }) } : {}),
    },
  };
}
