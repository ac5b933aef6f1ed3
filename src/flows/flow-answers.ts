import { isGraphId } from '../graph/graph-path.ts';

/**
 * What the gateway reads in Meta's flow answers to learn which flows a project may act on. Pure;
 * anything not shaped as documented yields nothing, so a strange answer grants nothing.
 */

/** The id of a flow Meta just created (`{ id, success, validation_errors? }`, kapso-api.md §6.8). */
export function createdFlowId(body: Record<string, unknown> | undefined): string | undefined {
  return isGraphId(body?.id) ? body.id : undefined;
}

/** The ids of a page of `GET /{waba_id}/flows` (`{ data: [{ id, … }], paging }`). */
export function listedFlowIds(body: Record<string, unknown> | undefined): string[] {
  const data = body?.data;
  if (!Array.isArray(data)) return [];
  return data.map((item: unknown) => (item as { id?: unknown } | null)?.id).filter(isGraphId);
}

/**
 * The WABA Meta says a flow belongs to, from `GET /{flow_id}?fields=id,whatsapp_business_account`
 * (`{ id, whatsapp_business_account: { id, … } }`), if the answer is about that very flow.
 */
export function flowWabaOf(body: Record<string, unknown> | undefined, flowId: string): string | undefined {
  if (body?.id !== flowId) return undefined;
  const waba = (body.whatsapp_business_account as { id?: unknown } | null | undefined)?.id;
  return isGraphId(waba) ? waba : undefined;
}
