import { describe, expect, it } from 'vitest';
import type { BroadcastStatus } from '../../src/db/schema.ts';
import { type BroadcastOperation, planTransition } from '../../src/broadcasts/lifecycle.ts';

const STATUSES: BroadcastStatus[] = ['draft', 'scheduled', 'sending', 'completed', 'stopped', 'failed'];
const OPERATIONS: BroadcastOperation[] = ['send', 'schedule', 'start_scheduled', 'cancel', 'unschedule', 'stop', 'complete', 'fail', 'add_recipients', 'clear_recipients'];

/** kapso-broadcasts.md §3, T1–T9 plus the operations that keep the state: every allowed pair and where it leads. */
const ALLOWED: Record<string, BroadcastStatus> = {
  'draft send': 'sending',
  'draft schedule': 'scheduled',
  'scheduled start_scheduled': 'sending',
  'scheduled cancel': 'draft',
  'scheduled unschedule': 'draft',
  'sending stop': 'stopped',
  'sending complete': 'completed',
  'sending fail': 'failed',
  'draft add_recipients': 'draft',
  'scheduled add_recipients': 'scheduled',
  'draft clear_recipients': 'draft',
  'scheduled clear_recipients': 'draft',
};

describe('the broadcast lifecycle', () => {
  const pairs = STATUSES.flatMap((status) => OPERATIONS.map((operation) => [status, operation] as const));

  it.each(pairs)('from %s, %s is allowed exactly when §3 lists it', (status, operation) => {
    const plan = planTransition(status, operation, 5);
    const expected = ALLOWED[`${status} ${operation}`];
    if (expected === undefined) {
      expect(plan.ok).toBe(false);
      if (!plan.ok) expect(plan.message).toContain(`this one is ${status}`);
    } else {
      expect(plan).toMatchObject({ ok: true, from: status, to: expected });
    }
  });

  it('keeps terminal states terminal: nothing leaves completed, stopped or failed', () => {
    for (const status of ['completed', 'stopped', 'failed'] as const) {
      expect(OPERATIONS.filter((op) => planTransition(status, op, 5).ok)).toEqual([]);
    }
  });

  it.each(['send', 'schedule'] as const)('refuses to %s with zero recipients, but not to clear or add', (operation) => {
    expect(planTransition('draft', operation, 0)).toEqual({ ok: false, error: 'Broadcast has no recipients', message: `Add recipients before you ${operation} it.` });
    expect(planTransition('draft', 'add_recipients', 0).ok).toBe(true);
    expect(planTransition('draft', 'clear_recipients', 0).ok).toBe(true);
  });

  it.each([
    ['sending', 'send', 'Broadcast is already sending'],
    ['completed', 'send', 'Broadcast already completed'],
    ['sending', 'add_recipients', 'Cannot add recipients to broadcast in sending status'],
    ['draft', 'cancel', 'Broadcast is not scheduled'],
    ['draft', 'stop', 'Broadcast is not sending'],
  ] as const)('from %s, %s is refused in the legacy API’s words', (status, operation, error) => {
    expect(planTransition(status, operation, 5)).toMatchObject({ ok: false, error });
  });
});
