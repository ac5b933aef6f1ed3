import type { BroadcastStatus } from '../db/schema.ts';

/**
 * The broadcast lifecycle (kapso-broadcasts.md §3), pure: which operation may run in which
 * status, and where it leads. "The transitions are enforced" [OV]: every pair not listed here is
 * refused with a 422 whose text says why (§6.2). Terminal states (`completed`, `stopped`,
 * `failed`) have no way out: there is no resume.
 */
export type BroadcastOperation =
  | 'send' // T1, POST …/send
  | 'schedule' // T2, POST …/schedule
  | 'start_scheduled' // T3, the clock reaching scheduled_at (the worker)
  | 'cancel' // T4, POST …/cancel
  | 'unschedule' // T5, PATCH {status: "draft"}
  | 'stop' // T7, PATCH {status: "stopped"}
  | 'complete' // T8, the worker: no pending recipient left
  | 'fail' // T9, the worker: the broadcast cannot go on
  | 'add_recipients'
  | 'clear_recipients'; // T6 from scheduled; stays draft from draft

interface Rule {
  from: readonly BroadcastStatus[];
  /** The status after; `undefined` keeps the current one (adding recipients while scheduled). */
  to?: BroadcastStatus;
  /** Sending and scheduling need at least one recipient [R-SCHED][LEG]. */
  needsRecipients?: boolean;
}

const RULES: Readonly<Record<BroadcastOperation, Rule>> = {
  send: { from: ['draft'], to: 'sending', needsRecipients: true },
  schedule: { from: ['draft'], to: 'scheduled', needsRecipients: true },
  start_scheduled: { from: ['scheduled'], to: 'sending' },
  cancel: { from: ['scheduled'], to: 'draft' },
  unschedule: { from: ['scheduled'], to: 'draft' },
  stop: { from: ['sending'], to: 'stopped' },
  complete: { from: ['sending'], to: 'completed' },
  fail: { from: ['sending'], to: 'failed' },
  add_recipients: { from: ['draft', 'scheduled'] },
  clear_recipients: { from: ['draft', 'scheduled'], to: 'draft' },
};

export const TERMINAL_STATUSES: readonly BroadcastStatus[] = ['completed', 'stopped', 'failed'];

export type TransitionPlan = { ok: true; from: BroadcastStatus; to: BroadcastStatus; needsRecipients: boolean } | { ok: false; error: string; message: string };

/** The statuses an operation may start from (the compare-and-set of the store's update). */
export function statusesAllowing(operation: BroadcastOperation): readonly BroadcastStatus[] {
  return RULES[operation].from;
}

/** Whether `operation` may run on a broadcast in `status` with `recipients` recipients, and to which status it leads. */
export function planTransition(status: BroadcastStatus, operation: BroadcastOperation, recipients: number): TransitionPlan {
  const rule = RULES[operation];
  if (!rule.from.includes(status)) return { ok: false, error: refusalOf(status, operation), message: `${describe(operation)} needs a broadcast in ${orList(rule.from)} status; this one is ${status}.` };
  if (rule.needsRecipients && recipients === 0) return { ok: false, error: 'Broadcast has no recipients', message: `Add recipients before you ${operation} it.` };
  return { ok: true, from: status, to: rule.to ?? status, needsRecipients: rule.needsRecipients === true };
}

/** The short `error` text, in the words of Kapso's legacy API where it has them [LEG]. */
function refusalOf(status: BroadcastStatus, operation: BroadcastOperation): string {
  if (operation === 'add_recipients') return `Cannot add recipients to broadcast in ${status} status`;
  if (operation === 'clear_recipients') return `Cannot clear recipients of broadcast in ${status} status`;
  if (operation === 'send' || operation === 'schedule') {
    if (status === 'sending') return 'Broadcast is already sending';
    if (status === 'completed') return 'Broadcast already completed';
    if (status === 'scheduled') return 'Broadcast is already scheduled';
    return `Broadcast is ${status}`;
  }
  if (operation === 'cancel' || operation === 'unschedule') return 'Broadcast is not scheduled';
  if (operation === 'stop') return 'Broadcast is not sending';
  return `Invalid status transition from ${status}`;
}

function describe(operation: BroadcastOperation): string {
  const names: Record<BroadcastOperation, string> = {
    send: 'Sending',
    schedule: 'Scheduling',
    start_scheduled: 'Starting a scheduled send',
    cancel: 'Cancelling a schedule',
    unschedule: 'Setting the status to draft',
    stop: 'Stopping',
    complete: 'Completing',
    fail: 'Failing',
    add_recipients: 'Adding recipients',
    clear_recipients: 'Clearing recipients',
  };
  return names[operation];
}

function orList(statuses: readonly string[]): string {
  return statuses.length === 1 ? (statuses[0] as string) : `${statuses.slice(0, -1).join(', ')} or ${statuses.at(-1) as string}`;
}
