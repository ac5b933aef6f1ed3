/**
 * The `kapso.status` state machine (kapso-api.md §7.1, design.md "Invariants"). Every status
 * event is kept in the history (§7.3) whatever this decides; these rules only pick the value
 * stored on the message.
 */

/**
 * Progress order. Inbound messages start `received`, which §7.1 treats as equivalent to
 * `delivered` (list examples show inbound messages as delivered), so both share a rank: only
 * `read` moves an inbound message on.
 */
const RANK: ReadonlyMap<string, number> = new Map([
  ['pending', 0],
  ['sent', 1],
  ['received', 2],
  ['delivered', 2],
  ['read', 3],
]);

/**
 * Meta's status events that advance delivery (meta-cloud-api.md §1.7). `pending` and `received`
 * are our own initial states, never events, so they cannot move a message.
 */
const ADVANCING: ReadonlyMap<string, string> = new Map([
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['read', 'read'],
  // Meta reports `played` for voice notes; Kapso's status enum has no such value and the
  // message was consumed, so it counts as read.
  ['played', 'read'],
]);

/** The status to store on a message whose status is `current` when the event `incoming` arrives. */
export function nextStatus(current: string, incoming: string): string {
  // `failed` is terminal for the send (design.md Invariants): the errors stay in the history.
  if (current === 'failed') return current;
  if (incoming === 'failed') {
    // Multi-device (meta-cloud-api.md §1.7): any `delivered` means at least one device got the
    // message, so a failure on another device must not hide that. It only applies before delivery.
    return current === 'pending' || current === 'sent' ? 'failed' : current;
  }
  const target = ADVANCING.get(incoming);
  const from = RANK.get(current);
  // Unknown events (e.g. `deleted`, `warning`) and unknown stored states are recorded in the
  // history only; guessing an order for them could move a message backwards.
  if (target === undefined || from === undefined) return current;
  // §7.1: never move backwards, so a late `delivered` after `read` keeps `read`; equal ranks
  // keep the current value, which makes duplicate webhooks no-ops.
  return (RANK.get(target) ?? from) > from ? target : current;
}

/** Applies status events in arrival order to a message that starts at `initial`. */
export function foldStatuses(initial: string, incoming: readonly string[]): string {
  return incoming.reduce(nextStatus, initial);
}

/**
 * Applies the status events that reached the store before their message (Meta does not order its
 * POSTs: a `delivered` can beat the send's answer) to a message that starts at `initial`, oldest
 * first. Returns the status to store and each step it moved through, with the event's timestamp.
 */
export function applyEarlyStatuses(
  initial: string,
  early: ReadonlyArray<{ status: string; timestamp: number }>,
): { status: string; advancedThrough: Array<{ status: string; timestamp: number }> } {
  const advancedThrough: Array<{ status: string; timestamp: number }> = [];
  let status = initial;
  for (const s of early) {
    const next = nextStatus(status, s.status);
    if (next !== status) advancedThrough.push({ status: next, timestamp: s.timestamp });
    status = next;
  }
  return { status, advancedThrough };
}
