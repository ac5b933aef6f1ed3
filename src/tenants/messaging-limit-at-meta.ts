import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { callAsNumber, type NumberCallDeps } from '../graph/call-as-number.ts';
import { graphPath } from '../graph/graph-path.ts';
import { errors, GraphError } from '../http/errors.ts';
import { MESSAGING_LIMIT_FIELDS, tierFromMetaFields } from './messaging-limit.ts';
import { noteNumbersChanged } from './number-changes.ts';
import { findPhoneNumber, updateLivePhoneNumber } from './store.ts';

const GRAPH_VERSION = 'v24.0';

/**
 * Both fields first; a Graph version that no longer (or not yet) knows one of them refuses the
 * whole call with code 100, so each is then asked for alone (meta-cloud-api.md §5.4).
 */
const FIELD_SETS = [MESSAGING_LIMIT_FIELDS.join(','), ...MESSAGING_LIMIT_FIELDS];

/**
 * The number's messaging-limit tier as Meta gives it (`GET /{phone_number_id}?fields=…`), or null
 * when Meta names none. Throws a GraphError (502/504) when Meta cannot be asked or refuses.
 */
export async function readMessagingLimitAtMeta(deps: NumberCallDeps, number: PhoneNumberRow): Promise<string | null> {
  let refusal = '';
  for (const fields of FIELD_SETS) {
    const answer = await callAsNumber(deps, number, 'GET', graphPath(GRAPH_VERSION, [number.id], { fields }));
    const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown> & { error?: { message?: unknown; code?: unknown } };
    if (answer.statusCode >= 200 && answer.statusCode < 300) return tierFromMetaFields(body);
    refusal = `Meta answered ${answer.statusCode} (code ${String(body.error?.code)}): ${String(body.error?.message)}`;
    if (body.error?.code !== 100) break;
  }
  throw errors.upstreamBadResponse(`the number's messaging limit could not be read; ${refusal}`);
}

type RefreshDeps = NumberCallDeps & Pick<Deps, 'database'>;

/** Reads the tier from Meta and stores it as Meta's (null when Meta names none); throws like readMessagingLimitAtMeta. */
export async function refreshMessagingLimit(deps: RefreshDeps, number: PhoneNumberRow): Promise<PhoneNumberRow | null> {
  const tier = await readMessagingLimitAtMeta(deps, number);
  const { db } = deps.database;
  if (!(await updateLivePhoneNumber(db, number.id, { messaging_limit_tier: tier, messaging_limit_source: tier === null ? null : 'meta' }))) return null;
  noteNumbersChanged();
  return (await findPhoneNumber(db, number.id)) ?? null;
}

/**
 * Reads a number's tier from Meta unless the operator set it (after adding a number, at the
 * sandbox's start). Never throws for Meta's sake: returns why the tier could not be read (it is
 * left as it was: unknown, so SEND_DEFAULT_MESSAGING_LIMIT applies), or null, because a number
 * must be usable without it.
 */
export async function refreshMessagingLimitUnlessSet(deps: RefreshDeps, phoneNumberId: string): Promise<string | null> {
  const number = await findPhoneNumber(deps.database.db, phoneNumberId);
  if (!number || number.removed_at !== null || number.messaging_limit_source === 'operator') return null;
  try {
    await refreshMessagingLimit(deps, number);
    return null;
  } catch (err) {
    if (err instanceof GraphError) return err.details ?? err.message;
    throw err;
  }
}
