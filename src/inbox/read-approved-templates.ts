import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { callAsNumber } from '../graph/call-as-number.ts';
import { graphPath } from '../graph/graph-path.ts';

/** The Graph version the inbox reads templates with. */
const GRAPH_VERSION = 'v24.0';
const FIELDS = 'id,name,language,status,category,parameter_format,components';
const PAGE_SIZE = '250';
/** 40 pages of 250 cover more templates than a WABA may hold (6,000, meta-cloud-api.md §6.1). */
const MAX_PAGES = 40;

/** A template the composer can offer (docs/inbox-api.md). */
export interface InboxTemplate {
  id: string;
  name: string;
  language: string;
  category: string;
  /** How its variables are named (`{{1}}` or `{{first_name}}`): the send's parameters must match. */
  parameter_format: 'POSITIONAL' | 'NAMED';
  components: unknown[];
}

/** Meta's refusal to list, answered to the browser as Meta gave it. */
export interface TemplateListRefusal {
  statusCode: number;
  body: string;
}

/**
 * The number's WABA's approved templates, read from Meta (`GET /{waba_id}/message_templates`,
 * §6.2) with the number's stored token, every page, asking Meta for approved ones and keeping
 * only those whatever Meta answers: only an approved template can be sent.
 */
export async function readApprovedTemplates(deps: Pick<Deps, 'cipher' | 'graph' | 'config'>, number: PhoneNumberRow, requestId: string): Promise<InboxTemplate[] | TemplateListRefusal> {
  const found: InboxTemplate[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const path = graphPath(GRAPH_VERSION, [number.waba_id, 'message_templates'], { fields: FIELDS, status: 'APPROVED', limit: PAGE_SIZE, ...(after !== undefined ? { after } : {}) });
    const answer = await callAsNumber(deps, number, 'GET', path, undefined, requestId);
    if (answer.statusCode !== 200) return { statusCode: answer.statusCode, body: answer.body.toString('utf8') };
    const body = parse(answer.body) as { data?: unknown; paging?: { next?: unknown; cursors?: { after?: unknown } } };
    for (const t of Array.isArray(body.data) ? body.data : []) {
      const template = approvedTemplateOf(t);
      if (template) found.push(template);
    }
    const cursor = body.paging?.cursors?.after;
    if (typeof body.paging?.next !== 'string' || typeof cursor !== 'string' || cursor === '') break;
    after = cursor;
  }
  return found;
}

/** A listed template in the inbox's shape, if it is an approved one (pure). */
export function approvedTemplateOf(raw: unknown): InboxTemplate | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const t = raw as Record<string, unknown>;
  if (String(t.status ?? '').toUpperCase() !== 'APPROVED' || typeof t.id !== 'string') return null;
  return {
    id: t.id,
    name: String(t.name ?? ''),
    language: String(t.language ?? ''),
    category: String(t.category ?? '').toUpperCase(),
    parameter_format: String(t.parameter_format ?? 'POSITIONAL').toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    components: Array.isArray(t.components) ? t.components : [],
  };
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
}
