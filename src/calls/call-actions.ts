import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { secretSlots } from '../crypto/secrets.ts';
import { graphOriginOf } from '../graph/graph-origin.ts';
import type { GraphResponse } from '../graph/graph-client.ts';
import { assertNoReservedFields, forwardedQuery, graphPath } from '../graph/graph-path.ts';
import { errors } from '../http/errors.ts';
import { type CallActionBody, connectAnswerSchema } from './schemas.ts';
import { markCallAnswered, recordCallEvents } from './store.ts';

type CallDeps = Pick<Deps, 'database' | 'clock' | 'cipher' | 'graph' | 'config'>;

function tokenOf(deps: CallDeps, number: PhoneNumberRow): string {
  return deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id));
}

/**
 * Forwards a calling action to `/{version}/{phone_number_id}/calls` of the stored number, under
 * its token (kapso-api.md §6.7.1), and returns Meta's answer unchanged. What Meta accepted is
 * logged: a `connect` becomes an outbound call, `initiated`, under the call id Meta returned (its
 * webhooks then move it on); an `accept` marks the inbound call answered.
 */
export async function callAction(deps: CallDeps, number: PhoneNumberRow, version: string, body: CallActionBody): Promise<GraphResponse> {
  assertNoReservedFields(body);
  const answer = await deps.graph.call(graphOriginOf(deps, number), {
    method: 'POST',
    path: graphPath(version, [number.id, 'calls']),
    token: tokenOf(deps, number),
    body: JSON.stringify(body),
    contentType: 'application/json',
  });
  if (answer.statusCode < 200 || answer.statusCode >= 300) return answer;
  const now = deps.clock.now();
  const { db } = deps.database;
  if (body.action === 'accept') await markCallAnswered(db, number.id, body.call_id, now);
  if (body.action !== 'connect') return answer;
  const accepted = connectAnswerSchema.safeParse(safeJson(answer.body));
  // A call the client cannot name cannot be followed: not a connect to report as done.
  if (!accepted.success) {
    throw errors.upstreamBadResponse(`${new URL(graphOriginOf(deps, number)).origin}: bad response (status ${answer.statusCode} without a call id); the call may or may not have been placed`);
  }
  const callId = accepted.data.calls[0]?.id as string;
  const userWaId = body.to !== undefined ? body.to.replace(/[\s()+\-.]/g, '') : (body.recipient ?? null);
  const event = {
    phoneNumberId: number.id,
    callId,
    direction: 'outbound',
    status: 'initiated',
    userWaId,
    atMs: now,
    startedAtMs: null,
    sessionStartedAtMs: null,
    endedAtMs: null,
    durationSeconds: null,
    bizOpaqueCallbackData: body.biz_opaque_callback_data ?? null,
  } as const;
  await db.transaction().execute((trx) => recordCallEvents(trx, [{ event, now }]));
  return answer;
}

/**
 * Forwards `GET /{phone_number_id}/call_permissions` with only `user_wa_id` (kapso-api.md
 * §6.7.1); a reserved Graph parameter in the query is refused (graph-path.ts).
 */
export async function callPermissions(deps: CallDeps, number: PhoneNumberRow, version: string, query: unknown): Promise<GraphResponse> {
  return deps.graph.call(graphOriginOf(deps, number), {
    method: 'GET',
    path: graphPath(version, [number.id, 'call_permissions'], forwardedQuery(query, ['user_wa_id'])),
    token: tokenOf(deps, number),
  });
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
