import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import type { BroadcastRow } from '../db/schema.ts';
import { readJson, writeJson } from '../db/json.ts';
import { kapsoErrors } from '../http/kapso-errors.ts';
import { planTransition } from './lifecycle.ts';
import { normalizeRecipientNumber } from './phone.ts';
import { existingNumbers, insertRecipients, type NewRecipient } from './recipient-store.ts';
import { suppressedAmong } from './suppression-store.ts';
import { BROADCAST_TAG_PREFIX } from '../events/event-types.ts';
import { checkRecipientComponents } from './template-parameters.ts';
import type { StoredTemplate } from './template.ts';

/** Kapso's per-call limit [R-AR][OV]. */
export const MAX_RECIPIENTS_PER_CALL = 1000;

export interface RecipientInput {
  phone_number?: unknown;
  components?: unknown;
}

export interface AddRecipientsResult {
  added: number;
  duplicates: number;
  /** Ours: numbers on the project's suppression list, left out (each also listed in `errors`). */
  suppressed: number;
  errors: string[];
}

/**
 * Adds up to 1,000 recipients (kapso-broadcasts.md §5.6): each is checked (number format, its
 * components against the template kept with the broadcast) before anything is stored; a bad one
 * is reported as "Recipient <n>: <reason>" (1-based) and the others are still added. A number
 * already on the broadcast or repeated in the batch counts as a duplicate; a suppressed one is
 * reported and skipped. Allowed while draft or scheduled (§3).
 */
export async function addRecipients(deps: Pick<Deps, 'database' | 'clock'>, broadcast: BroadcastRow, inputs: readonly RecipientInput[]): Promise<AddRecipientsResult> {
  if (inputs.length > MAX_RECIPIENTS_PER_CALL) throw kapsoErrors.unprocessable('Cannot add more than 1000 recipients per request', `Got ${inputs.length}; send batches of at most 1000.`);
  const refused = planTransition(broadcast.status, 'add_recipients', broadcast.total_recipients);
  if (!refused.ok) throw kapsoErrors.unprocessable(refused.error, refused.message);
  const template = readJson<StoredTemplate>(broadcast.template);
  const errors: Array<[number, string]> = [];
  const valid: Array<{ n: number; phone: string; components: unknown[] }> = [];
  inputs.forEach((input, i) => {
    const phone = normalizeRecipientNumber(input?.phone_number);
    const problem = phone === null ? 'invalid phone number format' : checkRecipientComponents(template, input.components);
    if (problem !== null || phone === null) errors.push([i + 1, `Recipient ${i + 1}: ${problem}`]);
    else valid.push({ n: i + 1, phone, components: (input.components as unknown[] | undefined) ?? [] });
  });
  const { db } = deps.database;
  const suppressed = await suppressedAmong(db, broadcast.project_id, valid.map((v) => v.phone));
  const already = await existingNumbers(db, broadcast.id, valid.map((v) => v.phone));
  const seen = new Set<string>();
  let duplicates = 0;
  let suppressedCount = 0;
  const rows: NewRecipient[] = [];
  for (const v of valid) {
    const reason = suppressed.get(v.phone);
    if (reason !== undefined) {
      suppressedCount++;
      errors.push([v.n, `Recipient ${v.n}: phone number is on the suppression list (${reason})`]);
    }
    else if (seen.has(v.phone) || already.has(v.phone)) duplicates++;
    else {
      const id = randomUUID();
      rows.push({ id, phone_number: v.phone, components: writeJson(v.components), send_tag: `${BROADCAST_TAG_PREFIX}${id.replace(/-/g, '')}` });
    }
    seen.add(v.phone);
  }
  const added = rows.length === 0 ? 0 : await insertRecipients(db, broadcast, rows, deps.clock.now());
  if (added === null) throw kapsoErrors.unprocessable('Cannot add recipients to broadcast in its current status', 'The broadcast left draft or scheduled while the recipients were being added.');
  // A number added concurrently between the check and the insert is skipped by the unique pair.
  return { added, duplicates: duplicates + rows.length - added, suppressed: suppressedCount, errors: errors.sort((a, b) => a[0] - b[0]).map(([, text]) => text) };
}
