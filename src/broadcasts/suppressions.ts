import type { Deps } from '../deps.ts';
import type { BroadcastSuppressionRow } from '../db/schema.ts';
import { kapsoErrors } from '../http/kapso-errors.ts';
import { normalizeRecipientNumber } from './phone.ts';
import { deleteSuppression, findSuppression, insertSuppression } from './suppression-store.ts';

export interface SuppressionInput {
  phoneNumber: string;
  /** `marketing_opt_out` (Meta's 131050), `not_on_whatsapp`, `manual`. */
  reason: string;
  errorCode: number | null;
  /** Who added it: `api`, `cli`, or the broadcast worker from Meta's answer. */
  source: string;
}

/** Puts a number on the project's suppression list (idempotent: a listed number keeps its first entry). */
export async function addSuppression(deps: Pick<Deps, 'database' | 'clock'>, projectId: string, input: SuppressionInput): Promise<{ row: BroadcastSuppressionRow; added: boolean }> {
  const waId = normalizeRecipientNumber(input.phoneNumber);
  if (waId === null) throw kapsoErrors.unprocessable('Invalid phone number format', 'Give the number in E.164, e.g. +14155550123.');
  const row = { project_id: projectId, wa_id: waId, reason: input.reason, error_code: input.errorCode, source: input.source, created_at: deps.clock.now() };
  const added = await insertSuppression(deps.database.db, row);
  return { row: added ? row : ((await findSuppression(deps.database.db, projectId, waId)) ?? row), added };
}

/** Takes a number off the list; whether it was on it. */
export async function removeSuppression(deps: Pick<Deps, 'database'>, projectId: string, phoneNumber: string): Promise<boolean> {
  const waId = normalizeRecipientNumber(phoneNumber);
  return waId !== null && deleteSuppression(deps.database.db, projectId, waId);
}
