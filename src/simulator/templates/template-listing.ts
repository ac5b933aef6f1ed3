import { graphPage } from '../graph-page.ts';
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


/**
 * Filters (name by substring, status/category/language exactly, case-insensitive) and pages
 * with opaque `before`/`after` cursors; `next`/`previous` are built by `linkFor`.
 */
export function listTemplates(all: SimTemplate[], query: TemplateQuery, linkFor: (cursor: { after?: string; before?: string }) => string) {
  const eq = (a: string, b?: string) => b === undefined || a.toLowerCase() === b.toLowerCase();
  const matching = all.filter(
    (t) => (query.name === undefined || t.name.includes(query.name.toLowerCase())) && eq(t.status, query.status) && eq(t.category, query.category) && eq(t.language, query.language),
  );
  return graphPage(matching, 'idx', query, (t) => presentTemplate(t, query.fields), linkFor);
}
