/** Why the worker puts a number on the project's suppression list. */
export type SuppressionReason = 'marketing_opt_out' | 'not_on_whatsapp';

/**
 * What became of one recipient's send, decided from Meta's answer (pure), and what the worker
 * records for it (kapso-broadcasts.md §8.3).
 */
export type SendOutcome =
  | { kind: 'sent'; wamid: string }
  /** Not sent this time (throttled by Meta or by the governor): due again at `nextAttemptAt`, still pending. */
  | { kind: 'retry'; nextAttemptAt: number; reason: string }
  /** Refused for this recipient for good; some refusals also put the number on the suppression list. */
  | { kind: 'failed'; errorMessage: string; errorCode: number | null; errorSubcode: number | null; suppress: SuppressionReason | null }
  /** The request may have reached Meta and its answer was lost: never sent again blindly. */
  | { kind: 'unknown'; detail: string }
  /** The broadcast cannot go on (its number or template is gone): the recipient stays pending, the broadcast fails. */
  | { kind: 'broadcast_failed'; reason: string };

/** Meta's throttling codes (meta-cloud-api.md §5): the send was refused now and may be tried again. */
const THROTTLED: ReadonlySet<number> = new Set([
  4, // application request limit
  80007, // WABA rate limit
  130429, // number throughput
  131048, // spam rate limit
  131056, // pair rate
  131057, // throughput upgrade in progress
]);

/** Refusals that say the broadcast itself cannot be sent, whoever the recipient. */
const BROADCAST_LEVEL: Readonly<Record<number, string>> = {
  190: "the number's access token is no longer valid",
  132001: 'the template no longer exists at Meta',
  132015: 'the template is paused at Meta',
  132016: 'the template is disabled at Meta',
  131031: 'the business account is locked',
  133010: 'the phone number is not registered at Meta',
};

/** Failures that mean "never broadcast to this number again" until someone removes it from the list. */
export function suppressionFor(code: number | null): SuppressionReason | null {
  if (code === 131050) return 'marketing_opt_out';
  if (code === 131026) return 'not_on_whatsapp';
  return null;
}

/** Meta's 4^X seconds after the X-th throttled attempt (X from 0), capped at an hour. */
export function throttleDelayMs(attempt: number): number {
  return Math.min(3_600_000, 1000 * 4 ** Math.max(0, attempt - 1));
}

export interface GraphRefusal {
  statusCode: number;
  code?: number | undefined;
  subcode?: number | undefined;
  message?: string | undefined;
  details?: string | undefined;
}

/**
 * The outcome of a send Meta answered with an error (`attempt` counts this one, from 1). A 5xx
 * may have been processed before it failed: it is an unknown outcome, resolved by the status
 * webhooks, never retried blindly.
 */
export function outcomeOfRefusal(refusal: GraphRefusal, attempt: number, now: number): SendOutcome {
  const code = refusal.code ?? null;
  if (code !== null && THROTTLED.has(code)) return { kind: 'retry', nextAttemptAt: now + throttleDelayMs(attempt), reason: `Meta ${code}` };
  if (refusal.statusCode >= 500) return { kind: 'unknown', detail: `Meta answered ${refusal.statusCode}${code === null ? '' : ` (${code})`}` };
  if (code !== null && code in BROADCAST_LEVEL) return { kind: 'broadcast_failed', reason: `${BROADCAST_LEVEL[code]} (Meta ${code}: ${refusal.message ?? 'refused'})` };
  const text = refusal.details ?? refusal.message ?? `Meta answered ${refusal.statusCode}`;
  return { kind: 'failed', errorMessage: text, errorCode: code, errorSubcode: refusal.subcode ?? null, suppress: suppressionFor(code) };
}
