import type { Deps } from '../deps.ts';
import type { BroadcastRow } from '../db/schema.ts';
import { timeOrderedUuid } from '../db/time-ordered-id.ts';
import { writeJson } from '../db/json.ts';
import { kapsoErrors } from '../http/kapso-errors.ts';
import { findProjectPhoneNumber } from '../tenants/store.ts';
import { readTemplateFromWaba } from './read-template.ts';
import { insertBroadcast } from './store.ts';
import { isSendable } from './template.ts';

export interface CreateBroadcastInput {
  name: string;
  phoneNumberId: string;
  templateId: string;
  /** The id of the gateway request that creates it (X-Request-Id), sent to Meta with the template read. */
  requestId?: string;
}

/**
 * T0 (kapso-broadcasts.md §5.2): a draft on one of the project's numbers, its template read from
 * the number's WABA through Meta and kept with it. An unknown number and another project's answer
 * 422 alike; so do a template Meta does not list under the WABA and one that is not approved.
 * Kapso refuses its sandbox number (a real, shared one); Switchboard's sandbox is simulated, so
 * a newcomer can try a broadcast on it offline.
 */
export async function createBroadcast(deps: Pick<Deps, 'database' | 'cipher' | 'graph' | 'config' | 'clock'>, projectId: string, input: CreateBroadcastInput): Promise<BroadcastRow> {
  const { db } = deps.database;
  const number = await findProjectPhoneNumber(db, projectId, input.phoneNumberId);
  if (!number) throw kapsoErrors.unprocessable('Phone number not found', `No phone number ${input.phoneNumberId} in this project.`);
  const read = await readTemplateFromWaba(deps, number, input.templateId, input.requestId);
  if ('refusal' in read) throw kapsoErrors.unprocessable('Template could not be read from Meta', `Meta answered ${read.refusal.status}: ${read.refusal.message}`);
  if ('missing' in read) throw kapsoErrors.unprocessable('Template not found', `Template ${input.templateId} is not among the templates of the phone number's WhatsApp Business Account.`);
  if (!isSendable(read.template)) throw kapsoErrors.unprocessable('Template is not approved', `Template ${read.template.name} (${read.template.language}) is ${read.template.status}; only approved templates can be broadcast.`);
  const now = deps.clock.now();
  return insertBroadcast(db, { id: timeOrderedUuid(now), project_id: projectId, phone_number_id: number.id, name: input.name, template: writeJson(read.template), created_at: now });
}
