import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Records flows seen under one of the project's WABAs; a flow already recorded keeps its row. */
export async function recordFlows(db: Db, projectId: string, wabaId: string, flowIds: readonly string[], nowMs: number): Promise<void> {
  if (flowIds.length === 0) return;
  const rows = [...new Set(flowIds)].map((flowId) => ({ project_id: projectId, flow_id: flowId, waba_id: wabaId, recorded_at: nowMs }));
  await db.insertInto('flows').values(rows).onConflict((oc) => oc.columns(['project_id', 'flow_id']).doNothing()).execute();
}

/** The WABA of a flow recorded for this project; undefined for unknown and foreign flows alike. */
export async function findProjectFlowWaba(db: Db, projectId: string, flowId: string): Promise<string | undefined> {
  const row = await db.selectFrom('flows').select('waba_id').where('project_id', '=', projectId).where('flow_id', '=', flowId).executeTakeFirst();
  return row?.waba_id;
}
