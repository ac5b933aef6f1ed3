import type { SimContext } from '../context.ts';
import { GraphError } from '../../http/errors.ts';
import type { SimFlow } from '../state.ts';
import { checkFlowJson } from './flow-json.ts';

/** What `GET /{flow_id}` answers without `fields` (and each item of a flow listing). */
const DEFAULT_FIELDS = ['id', 'name', 'status', 'categories', 'validation_errors'];
const KNOWN_FIELDS = new Set([...DEFAULT_FIELDS, 'json_version', 'data_api_version', 'endpoint_uri', 'preview', 'whatsapp_business_account']);
/** Preview links live 30 days (Flows API: `preview.expires_at`). */
const PREVIEW_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * The top-level names of a Graph `fields` list, with their modifiers: `preview.invalidate(false)`
 * is `preview` with `invalidate(false)`. Commas inside parentheses or braces do not split.
 */
export function parseFields(fields: string): { name: string; modifier: string }[] {
  const out: { name: string; modifier: string }[] = [];
  let depth = 0;
  let current = '';
  for (const ch of `${fields},`) {
    if (ch === '(' || ch === '{') depth++;
    if (ch === ')' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      const item = current.trim();
      if (item) out.push({ name: /^[a-z_]+/.exec(item)?.[0] ?? item, modifier: item.replace(/^[a-z_]+\.?/, '') });
      current = '';
    } else current += ch;
  }
  return out;
}

/**
 * A flow in Graph's read shape, projected to `fields` (`id` always). `preview` issues a link (a
 * new one when none is live or on `invalidate(true)`); an unknown field is Graph's code 100.
 */
export function presentFlow(ctx: SimContext, flow: SimFlow, fields?: string): Record<string, unknown> {
  const wanted = fields ? parseFields(fields) : DEFAULT_FIELDS.map((name) => ({ name, modifier: '' }));
  const out: Record<string, unknown> = {};
  for (const { name, modifier } of wanted) {
    if (!KNOWN_FIELDS.has(name)) throw new GraphError(400, 100, 'OAuthException', `(#100) Tried accessing nonexisting field (${name}) on node type (Flow)`, `Flows have no field ${name}.`);
    const value = fieldOf(ctx, flow, name, modifier);
    if (value !== undefined) out[name] = value;
  }
  out.id = flow.id;
  return out;
}

function fieldOf(ctx: SimContext, flow: SimFlow, name: string, modifier: string): unknown {
  const json = flow.flowJson === undefined ? undefined : checkFlowJson(flow.flowJson);
  switch (name) {
    case 'name':
      return flow.name;
    case 'status':
      return flow.status;
    case 'categories':
      return flow.categories;
    case 'validation_errors':
      return flow.validationErrors;
    case 'json_version':
      return json?.version;
    case 'data_api_version':
      return json?.dataApiVersion;
    case 'endpoint_uri':
      return flow.endpointUri;
    case 'whatsapp_business_account':
      return { id: flow.wabaId };
    case 'preview':
      return previewOf(ctx, flow, /invalidate\(\s*true\s*\)/.test(modifier));
    default:
      return undefined;
  }
}

function previewOf(ctx: SimContext, flow: SimFlow, invalidate: boolean): { preview_url: string; expires_at: string } {
  if (invalidate || !flow.preview || flow.preview.expiresAtMs <= ctx.now()) flow.preview = { token: ctx.ids.urlToken(), expiresAtMs: ctx.now() + PREVIEW_TTL_MS };
  return {
    preview_url: `https://business.facebook.com/wa/manage/flows/${flow.id}/preview/?token=${flow.preview.token}`,
    // Graph's time format: ISO 8601 with a +0000 offset.
    expires_at: new Date(flow.preview.expiresAtMs).toISOString().replace(/\.\d{3}Z$/, '+0000'),
  };
}
