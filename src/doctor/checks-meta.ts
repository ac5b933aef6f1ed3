import type { PhoneNumberRow } from '../db/schema.ts';
import { callAsNumber, type NumberCallDeps } from '../graph/call-as-number.ts';
import { graphOriginOf } from '../graph/graph-origin.ts';
import { graphPath } from '../graph/graph-path.ts';
import { GraphError } from '../http/errors.ts';
import { type CheckResult, fail, ok, warn } from './check.ts';

const GRAPH_VERSION = 'v24.0';

/** Meta's error, as its envelope gives it (meta-cloud-api.md §7). */
interface MetaError {
  message?: unknown;
  code?: unknown;
  error_subcode?: unknown;
}

/**
 * What to do about Meta's refusal, by its code (never its text): 190 an invalid or expired token,
 * 10 and 200–299 a token without permission on the number, 100 an id Meta does not know for it.
 */
export function fixForMetaCode(code: unknown, phoneNumberId: string): string {
  const newToken = `give the number a valid token: \`switchboard numbers update --phone-number-id ${phoneNumberId} --access-token-file PATH\``;
  if (code === 190) return `the access token is invalid or expired; ${newToken}`;
  if (code === 10 || (typeof code === 'number' && code >= 200 && code < 300)) return `the token may not act for this number (whatsapp_business_messaging and whatsapp_business_management); ${newToken}`;
  if (code === 100) return `Meta does not know this number for this token: check its id, or remove it with \`switchboard numbers remove --phone-number-id ${phoneNumberId} --keep-history\``;
  return `read Meta's message; ${newToken} if the token is at fault`;
}

/**
 * One real number: a cheap `GET /{phone_number_id}` under its own token, through the gateway's
 * Graph client, at its Graph origin. Meta's refusal is reported with its message and code; a
 * fault on the way (refused, timed out, not a Graph answer) with the client's own words.
 */
export async function checkNumberAtMeta(deps: NumberCallDeps, number: PhoneNumberRow): Promise<CheckResult> {
  const name = `meta ${number.id}`;
  let answer;
  try {
    answer = await callAsNumber(deps, number, 'GET', graphPath(GRAPH_VERSION, [number.id]));
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    const origin = graphOriginOf(deps, number);
    return fail(name, `Meta cannot be reached: ${err.details ?? err.message}`, `check META_GRAPH_URL (${origin}) and that it is reachable from this host`);
  }
  if (answer.statusCode >= 200 && answer.statusCode < 300) return ok(name, `Meta answers for ${number.display_phone_number} with its token`);
  const error = (JSON.parse(answer.body.toString('utf8')) as { error?: MetaError }).error ?? {};
  const subcode = error.error_subcode === undefined ? '' : `, subcode ${String(error.error_subcode)}`;
  const detail = `Meta refused its token (HTTP ${answer.statusCode}, code ${String(error.code)}${subcode}): ${String(error.message)}`;
  return fail(name, detail, fixForMetaCode(error.code, number.id));
}

/** A number whose token the secret does not open cannot be tried at Meta. */
export function numberNotTried(number: PhoneNumberRow): CheckResult {
  return warn(`meta ${number.id}`, 'not tried: its token cannot be opened', 'fix the secret check above, then run `switchboard doctor` again');
}
