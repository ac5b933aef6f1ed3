import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import type { TenantScope } from '../http/graph-scope.ts';
import { callAsNumber } from '../graph/call-as-number.ts';
import { graphPath, isGraphId } from '../graph/graph-path.ts';
import { findProjectNumberByWaba } from '../tenants/store.ts';
import { flowWabaOf } from './flow-answers.ts';
import { type FlowGraphDeps, successBodyOf } from './graph-call.ts';
import { findProjectFlowWaba, recordFlows } from './store.ts';

export type FlowOwnerDeps = FlowGraphDeps & Pick<Deps, 'database' | 'clock'> & { tenants: TenantScope };
type HintDeps = Pick<Deps, 'database'> & { tenants: TenantScope };

/** Which of the project's numbers or WABAs the query names for a flow (kapso-api.md §1.3). */
export interface FlowScopeHint {
  phoneNumberId?: string;
  businessAccountId?: string;
}

/**
 * Who may act on a flow, and why it is decided this way.
 *
 * Meta addresses a flow by its bare id, and the token the gateway calls with may reach more than
 * the caller's flows: one system-user token often serves several WABAs, and projects are the
 * gateway's idea, not Meta's. So a flow id route reaches Meta only for a flow the gateway has
 * seen under one of the caller's project's WABAs:
 * - recorded: created or listed through the gateway under the project's WABA (routes.ts), or
 *   confirmed below. Kapso's SDK sends most flow calls (`flows.get`, and `publish`,
 *   `updateAsset` and `preview` inside `flows.deploy`) with no number or WABA, so the record is
 *   what lets them work at all;
 * - confirmed: the query names one of the project's numbers (`phone_number_id`) or WABAs
 *   (`business_account_id`), and Meta, asked with that number's token only to read the flow's
 *   `whatsapp_business_account`, names that same WABA. A token that can read the flow but whose
 *   WABA differs (another project's flow on a shared token) does not pass: the WABA id is compared,
 *   not the call's success.
 * Anything else answers exactly as an unknown flow (404), before any action reaches Meta; the
 * confirming read is the only call made for a flow not yet known, and it changes nothing.
 */
export async function requireFlowNumber(deps: FlowOwnerDeps, request: FastifyRequest, version: string, flowId: string): Promise<PhoneNumberRow> {
  if (!isGraphId(flowId)) throw errors.notFound('flow', flowId);
  const known = await knownFlowNumber(deps, request.projectId, flowId);
  if (known) return known;
  const number = await numberOfHint(deps, request.projectId, scopeHintOf(request.query));
  if (!number) throw errors.notFound('flow', flowId);
  return confirmFlowOfNumber(deps, request.projectId, number, version, flowId, request.id);
}

/** The live number of the project that acts for a flow recorded for it; undefined otherwise. */
export async function knownFlowNumber(deps: Pick<Deps, 'database'>, projectId: string, flowId: string): Promise<PhoneNumberRow | undefined> {
  if (!isGraphId(flowId)) return undefined;
  const wabaId = await findProjectFlowWaba(deps.database.db, projectId, flowId);
  // The project may have lost its numbers in that WABA since: then the flow is no longer its.
  return wabaId === undefined ? undefined : findProjectNumberByWaba(deps.database.db, projectId, wabaId);
}

/**
 * Asks Meta, with the number's token, which WABA the flow belongs to, and records it for the
 * project when it is the number's own WABA; otherwise the flow is unknown (404).
 */
async function confirmFlowOfNumber(deps: FlowOwnerDeps, projectId: string, number: PhoneNumberRow, version: string, flowId: string, requestId: string): Promise<PhoneNumberRow> {
  if (!isGraphId(flowId)) throw errors.notFound('flow', flowId);
  const answer = await callAsNumber(deps, number, 'GET', graphPath(version, [flowId], { fields: 'id,whatsapp_business_account' }), undefined, requestId);
  // A failing Meta confirms nothing; saying so does not tell whose the flow is.
  if (answer.statusCode >= 500) throw errors.upstreamUnavailable("The Graph API could not confirm the flow's WhatsApp Business Account; try again.");
  if (flowWabaOf(successBodyOf(answer), flowId) !== number.waba_id) throw errors.notFound('flow', flowId);
  await recordFlows(deps.database.db, projectId, number.waba_id, [flowId], deps.clock.now());
  return number;
}

/** The `phone_number_id` and `business_account_id` of a flow call's query, each given at most once. */
export function scopeHintOf(query: unknown): FlowScopeHint {
  const q = (query ?? {}) as Record<string, unknown>;
  const once = (name: string): string | undefined => {
    const value = q[name];
    if (value !== undefined && typeof value !== 'string') throw errors.invalidParameter(name, `Parameter '${name}' must be given once.`);
    return value;
  };
  const phoneNumberId = once('phone_number_id');
  const businessAccountId = once('business_account_id');
  return { ...(phoneNumberId !== undefined ? { phoneNumberId } : {}), ...(businessAccountId !== undefined ? { businessAccountId } : {}) };
}

/** The project's number the hint names (a number, a WABA, or both agreeing); undefined otherwise. */
export async function numberOfHint(deps: HintDeps, projectId: string, hint: FlowScopeHint): Promise<PhoneNumberRow | undefined> {
  const { phoneNumberId, businessAccountId } = hint;
  if (phoneNumberId !== undefined) {
    const number = isGraphId(phoneNumberId) ? await deps.tenants.phoneNumberOf(projectId, phoneNumberId) : null;
    if (!number || (businessAccountId !== undefined && businessAccountId !== number.waba_id)) return undefined;
    return number;
  }
  if (businessAccountId === undefined || !isGraphId(businessAccountId)) return undefined;
  return findProjectNumberByWaba(deps.database.db, projectId, businessAccountId);
}
