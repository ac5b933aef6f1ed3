import { z } from 'zod';
import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import type { SimFlow } from '../state.ts';
import { parseParam } from '../validate/zod-details.ts';
import { checkFlowJson } from './flow-json.ts';

/** Flow categories Meta takes (Flows API reference). */
const CATEGORIES = ['SIGN_UP', 'SIGN_IN', 'APPOINTMENT_BOOKING', 'LEAD_GENERATION', 'CONTACT_US', 'CUSTOMER_SUPPORT', 'SURVEY', 'OTHER'] as const;

const createSchema = z.looseObject({
  name: z.string().min(1),
  categories: z.array(z.enum(CATEGORIES)).min(1),
  flow_json: z.string().optional(),
  publish: z.boolean().optional(),
  endpoint_uri: z.string().url().optional(),
  clone_flow_id: z.string().optional(),
});

/**
 * `POST /{waba_id}/flows` (kapso-api.md §6.8): a DRAFT flow, with its Flow JSON checked when one
 * is given (`validation_errors` in the answer, the flow created anyway), published at once when
 * `publish` is true and the JSON is valid. A name is unique within its WABA (139004).
 */
export function createFlow(ctx: SimContext, wabaId: string, body: unknown): Record<string, unknown> {
  const input = parseParam(createSchema, body, '');
  if (ctx.state.flowsOf(wabaId).some((f) => f.name === input.name)) throw simErrors.meta(139004, `A flow named "${input.name}" already exists in this WhatsApp Business Account.`);
  const clone = input.clone_flow_id === undefined ? undefined : ctx.state.flows.get(input.clone_flow_id);
  if (input.clone_flow_id !== undefined && clone?.wabaId !== wabaId) throw simErrors.invalidParameter(`Flow ${input.clone_flow_id} does not exist in this WhatsApp Business Account.`);
  const flow: SimFlow = {
    id: ctx.ids.flowId(),
    wabaId,
    name: input.name,
    categories: [...input.categories],
    status: 'DRAFT',
    validationErrors: [],
    ...(input.endpoint_uri !== undefined ? { endpointUri: input.endpoint_uri } : {}),
    createdAtMs: ctx.now(),
  };
  const json = input.flow_json ?? clone?.flowJson;
  if (json !== undefined) setFlowJson(flow, json);
  if (input.publish === true && json !== undefined && flow.validationErrors.length === 0) flow.status = 'PUBLISHED';
  ctx.state.flows.set(flow.id, flow);
  return { id: flow.id, success: true, ...(input.flow_json !== undefined ? { validation_errors: flow.validationErrors } : {}) };
}

/** `POST /{flow_id}/assets`: a new Flow JSON, only while the flow is a DRAFT (139001). */
export function updateFlowAsset(flow: SimFlow, parts: { name: string; value?: string; file?: Buffer }[]): Record<string, unknown> {
  const file = parts.find((p) => p.name === 'file' && p.file !== undefined)?.file;
  const assetType = parts.find((p) => p.name === 'asset_type')?.value;
  if (assetType !== 'FLOW_JSON') throw simErrors.invalidParameter('Param asset_type must be "FLOW_JSON".');
  if (!parts.some((p) => p.name === 'name' && p.value)) throw simErrors.invalidParameter('The parameter name is required.');
  if (file === undefined) throw simErrors.invalidParameter('The parameter file is required.');
  if (flow.status !== 'DRAFT') throw simErrors.meta(139001, `Flow ${flow.id} is ${flow.status}; only a DRAFT flow takes a new Flow JSON.`);
  setFlowJson(flow, file.toString('utf8'));
  return { success: true, validation_errors: flow.validationErrors };
}

/** `POST /{flow_id}/publish`: a DRAFT with a valid Flow JSON becomes PUBLISHED (else 139002). */
export function publishFlow(flow: SimFlow): { success: true } {
  if (flow.status !== 'DRAFT') throw simErrors.meta(139002, `Flow ${flow.id} is ${flow.status}; only a DRAFT flow can be published.`);
  if (flow.flowJson === undefined) throw simErrors.meta(139002, `Flow ${flow.id} has no Flow JSON yet.`);
  if (flow.validationErrors.length > 0) throw simErrors.meta(139002, `Flow ${flow.id} has ${flow.validationErrors.length} validation error(s); fix the Flow JSON first.`);
  flow.status = 'PUBLISHED';
  return { success: true };
}

/** `POST /{flow_id}/deprecate`: only a PUBLISHED flow can be deprecated (code 100 otherwise). */
export function deprecateFlow(flow: SimFlow): { success: true } {
  if (flow.status !== 'PUBLISHED') throw simErrors.invalidParameter(`Flow ${flow.id} is ${flow.status}; only a PUBLISHED flow can be deprecated.`);
  flow.status = 'DEPRECATED';
  return { success: true };
}

function setFlowJson(flow: SimFlow, text: string): void {
  flow.flowJson = text;
  flow.validationErrors = checkFlowJson(text).validationErrors;
}
