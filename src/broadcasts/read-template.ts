import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { callAsNumber } from '../graph/call-as-number.ts';
import { graphPath, isGraphId } from '../graph/graph-path.ts';
import type { StoredTemplate } from './template.ts';

/** The Graph version the gateway reads templates with (the client's version is not known here). */
const GRAPH_VERSION = 'v24.0';
const FIELDS = 'id,name,language,status,category,parameter_format,components';
/** 40 pages of 250 cover more templates than a WABA may hold (6,000, meta-cloud-api.md §6.1). */
const PAGE_SIZE = '250';
const MAX_PAGES = 40;

export type TemplateRead = { template: StoredTemplate } | { missing: true } | { refusal: { status: number; message: string } };

/**
 * Reads a template by Meta id from the listing of the number's own WABA
 * (`GET /{waba_id}/message_templates`, §6.2), with the number's token. Meta's listing of the
 * caller's WABA is what proves the template is the project's: a token may reach templates of
 * other WABAs by bare id, so `GET /{template_id}` alone would not. `requestId` goes to Meta with
 * each page's call, as with every call a gateway request makes.
 */
export async function readTemplateFromWaba(deps: Pick<Deps, 'cipher' | 'graph' | 'config'>, number: PhoneNumberRow, templateId: string, requestId?: string): Promise<TemplateRead> {
  if (!isGraphId(templateId)) return { missing: true };
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const path = graphPath(GRAPH_VERSION, [number.waba_id, 'message_templates'], { fields: FIELDS, limit: PAGE_SIZE, ...(after !== undefined ? { after } : {}) });
    const answer = await callAsNumber(deps, number, 'GET', path, undefined, requestId);
    const body = JSON.parse(answer.body.toString('utf8')) as { data?: unknown; paging?: { next?: unknown; cursors?: { after?: unknown } }; error?: { message?: unknown } };
    if (answer.statusCode !== 200) return { refusal: { status: answer.statusCode, message: String(body.error?.message ?? 'Meta refused to list the templates') } };
    const found = (Array.isArray(body.data) ? body.data : []).find((t: unknown) => (t as { id?: unknown } | null)?.id === templateId);
    if (found) return { template: toStored(found as Record<string, unknown>) };
    const cursor = body.paging?.cursors?.after;
    if (typeof body.paging?.next !== 'string' || typeof cursor !== 'string' || cursor === '') return { missing: true };
    after = cursor;
  }
  return { missing: true };
}

function toStored(t: Record<string, unknown>): StoredTemplate {
  return {
    id: String(t.id),
    name: String(t.name ?? ''),
    language: String(t.language ?? ''),
    category: String(t.category ?? '').toUpperCase(),
    status: String(t.status ?? '').toUpperCase(),
    parameter_format: String(t.parameter_format ?? 'POSITIONAL').toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    components: Array.isArray(t.components) ? (t.components as Array<Record<string, unknown>>) : [],
  };
}
