import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { secretSlots } from '../crypto/secrets.ts';
import { graphOriginOf } from '../graph/graph-origin.ts';
import type { GraphResponse } from '../graph/graph-client.ts';
import { assertNoReservedFields, forwardedQuery, graphPath } from '../graph/graph-path.ts';
import { errors } from '../http/errors.ts';
import type { CallEvent } from './call-event.ts';
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
 * webhooks then move it on); an `accept` marks the inbound call answered. `requestId` goes to Meta
 * as X-Request-Id.
 */
export async function callAction(deps: CallDeps, number: PhoneNumberRow, version: string, body: CallActionBody, requestId?: string): Promise<GraphResponse> {
  assertNoReservedFields(body);
  const answer = await deps.graph.call(graphOriginOf(deps, number), {
    method: 'POST',
    path: graphPath(version, [number.id, 'calls']),
    token: tokenOf(deps, number),
    body: JSON.stringify(body),
    contentType: 'application/json',
    requestId,
  });
  if (answer.statusCode < 200 || answer.statusCode >= 300) return answer;
  if (body.action === 'accept') await markCallAnswered(deps.database.db, number.id, body.call_id, deps.clock.now());
  if (body.action === 'connect') await logConnect(deps, number, body, answer);
  return answer;
}

/** Logs the outbound call a `connect` placed, under the call id in Meta's answer. */
async function logConnect(deps: CallDeps, number: PhoneNumberRow, body: Extract<CallActionBody, { action: 'connect' }>, answer: GraphResponse): Promise<void> {
  const accepted = connectAnswerSchema.safeParse(safeJson(answer.body));
  // A call the client cannot name cannot be followed: not a connect to report as done.
  if (!accepted.success) {
    throw errors.upstreamBadResponse(`${new URL(graphOriginOf(deps, number)).origin}: bad response (status ${answer.statusCode} without a call id); the call may or may not have been placed`);
  }
  const now = deps.clock.now();
  const event: CallEvent = {
    phoneNumberId: number.id,
    callId: accepted.data.calls[0]?.id as string,
    direction: 'outbound',
    status: 'initiated',
    // The callee as its wa_id (digits), else the business-scoped id it was called by.
    userWaId: body.to !== undefined ? body.to.replace(/[\s()+\-.]/g, '') : (body.recipient ?? null),
    atMs: now,
    startedAtMs: null,
    sessionStartedAtMs: null,
    endedAtMs: null,
    durationSeconds: null,
    bizOpaqueCallbackData: body.biz_opaque_callback_data ?? null,
  };
  await deps.database.db.transaction().execute((trx) => recordCallEvents(trx, [{ event, now }]));
}

/**
 * Forwards `GET /{phone_number_id}/call_permissions` with only `user_wa_id` (kapso-api.md
 * §6.7.1); a reserved Graph parameter in the query is refused (graph-path.ts).
 */
export async function callPermissions(deps: CallDeps, number: PhoneNumberRow, version: string, query: unknown, requestId?: string): Promise<GraphResponse> {
  return deps.graph.call(graphOriginOf(deps, number), {
    method: 'GET',
    path: graphPath(version, [number.id, 'call_permissions'], forwardedQuery(query, ['user_wa_id'])),
    token: tokenOf(deps, number),
    requestId,
  });
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
