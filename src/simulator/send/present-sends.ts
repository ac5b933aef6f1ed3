import type { RecipientSends, SendsFilter, SendTally } from './send-tally.ts';

/** Counts per error code as a JSON object, codes as keys. */
function byCode(counts: Map<number, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => a - b).map(([code, n]) => [String(code), n]));
}

function presentRecipient(r: RecipientSends): Record<string, unknown> {
  return { phone_number_id: r.phoneNumberId, wa_id: r.waId, accepted: r.accepted, refused: byCode(r.refused), failed: byCode(r.failed) };
}

/** `GET /_simulator/sends` (docs/simulator.md): per recipient, then the totals. */
export function presentSends(tally: SendTally, filter: SendsFilter): Record<string, unknown> {
  const recipients = tally.recipients(filter);
  const totals = tally.totals(filter, recipients);
  return {
    data: recipients.map(presentRecipient),
    totals: { recipients: totals.recipients, accepted: totals.accepted, repeated: totals.repeated, refused: byCode(totals.refused), failed: byCode(totals.failed) },
  };
}
