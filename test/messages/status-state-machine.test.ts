import { describe, expect, it } from 'vitest';
import { applyEarlyStatuses, foldStatuses, nextStatus } from '../../src/messages/statuses.ts';

describe('nextStatus', () => {
  it.each<[string, string, string, string]>([
    // Outbound progress, including skipped steps (Meta sends only `read` when both happen together).
    ['advances a pending message to sent', 'pending', 'sent', 'sent'],
    ['advances a pending message straight to delivered', 'pending', 'delivered', 'delivered'],
    ['advances a pending message straight to read', 'pending', 'read', 'read'],
    ['advances a sent message to delivered', 'sent', 'delivered', 'delivered'],
    ['advances a sent message straight to read', 'sent', 'read', 'read'],
    ['advances a delivered message to read', 'delivered', 'read', 'read'],
    ['counts played as read on a delivered voice note', 'delivered', 'played', 'read'],
    ['counts played as read on a sent voice note', 'sent', 'played', 'read'],
    ['keeps read when played follows it', 'read', 'played', 'read'],
    // Never backwards.
    ['keeps read when a late delivered arrives', 'read', 'delivered', 'read'],
    ['keeps read when a late sent arrives', 'read', 'sent', 'read'],
    ['keeps delivered when a late sent arrives', 'delivered', 'sent', 'delivered'],
    // Duplicates are no-ops.
    ['keeps sent on a duplicate sent', 'sent', 'sent', 'sent'],
    ['keeps delivered on a duplicate delivered', 'delivered', 'delivered', 'delivered'],
    ['keeps read on a duplicate read', 'read', 'read', 'read'],
    ['keeps failed on a duplicate failed', 'failed', 'failed', 'failed'],
    // Failures.
    ['fails a pending message', 'pending', 'failed', 'failed'],
    ['fails a sent message', 'sent', 'failed', 'failed'],
    ['keeps delivered when another device fails', 'delivered', 'failed', 'delivered'],
    ['keeps read when a failure arrives after it', 'read', 'failed', 'read'],
    ['keeps failed when a late sent arrives', 'failed', 'sent', 'failed'],
    ['keeps failed when a late delivered arrives', 'failed', 'delivered', 'failed'],
    ['keeps failed when a late read arrives', 'failed', 'read', 'failed'],
    ['keeps failed when a played arrives', 'failed', 'played', 'failed'],
    // Inbound.
    ['marks a received inbound message read', 'received', 'read', 'read'],
    ['marks a received inbound voice note read when played', 'received', 'played', 'read'],
    ['keeps received when delivered arrives (equivalent states)', 'received', 'delivered', 'received'],
    ['keeps received when sent arrives', 'received', 'sent', 'received'],
    ['keeps received when failed arrives', 'received', 'failed', 'received'],
    ['marks a delivered inbound message read', 'delivered', 'read', 'read'],
    // Our own initial states are never events.
    ['keeps pending when pending arrives', 'pending', 'pending', 'pending'],
    ['keeps sent when pending arrives', 'sent', 'pending', 'sent'],
    ['keeps pending when received arrives', 'pending', 'received', 'pending'],
    ['keeps read when received arrives', 'read', 'received', 'read'],
    // Unknown values.
    ['keeps pending on an unknown status', 'pending', 'deleted', 'pending'],
    ['keeps delivered on an unknown status', 'delivered', 'warning', 'delivered'],
    ['keeps sent on an upper-case status it does not know', 'sent', 'READ', 'sent'],
    ['keeps sent on a prototype key', 'sent', 'constructor', 'sent'],
    ['keeps sent on __proto__', 'sent', '__proto__', 'sent'],
    ['keeps sent on an empty status', 'sent', '', 'sent'],
    ['keeps an unknown stored status when read arrives', 'mystery', 'read', 'mystery'],
    ['keeps an unknown stored status when failed arrives', 'mystery', 'failed', 'mystery'],
  ])('%s', (_name, current, incoming, expected) => {
    expect(nextStatus(current, incoming)).toBe(expected);
  });
});

describe('foldStatuses', () => {
  it.each<[string, string, string[], string]>([
    ['keeps the initial status when no event arrived', 'pending', [], 'pending'],
    ['walks the whole outbound path in order', 'pending', ['sent', 'delivered', 'read'], 'read'],
    ['reaches read when events arrive in reverse order', 'pending', ['read', 'delivered', 'sent'], 'read'],
    ['reaches read when read arrives before delivered', 'pending', ['sent', 'read', 'delivered'], 'read'],
    ['keeps a late delivered status in history without applying it', 'sent', ['read', 'delivered'], 'read'],
    ['ignores duplicated webhooks', 'pending', ['sent', 'sent', 'delivered', 'delivered'], 'delivered'],
    ['keeps delivered when a failure follows on another device', 'pending', ['sent', 'delivered', 'failed'], 'delivered'],
    ['stays failed when delivery events follow a failure', 'pending', ['sent', 'failed', 'delivered', 'read'], 'failed'],
    ['stays failed when the failure arrives first', 'pending', ['failed', 'sent'], 'failed'],
    ['only reaches sent for a reaction', 'pending', ['sent'], 'sent'],
    ['reads a voice note when played follows delivered', 'pending', ['sent', 'delivered', 'played'], 'read'],
    ['skips unknown events between known ones', 'pending', ['sent', 'deleted', 'delivered'], 'delivered'],
    ['marks an inbound message read', 'received', ['read'], 'read'],
    ['keeps an inbound message read after a late delivered', 'received', ['read', 'delivered'], 'read'],
  ])('%s', (_name, initial, incoming, expected) => {
    expect(foldStatuses(initial, incoming)).toBe(expected);
  });

  it('gives the same answer for every order of sent, delivered and read', () => {
    const events = ['sent', 'delivered', 'read'];
    const orders = events.flatMap((a) => events.flatMap((b) => events.filter((c) => c !== a && c !== b && a !== b).map((c) => [a, b, c])));
    expect(orders).toHaveLength(6);
    for (const order of orders) expect(foldStatuses('pending', order)).toBe('read');
  });
});

describe('applyEarlyStatuses', () => {
  it.each<[string, string, Array<[string, number]>, string, Array<[string, number]>]>([
    ['keeps the initial status when none beat the message', 'pending', [], 'pending', []],
    ['applies a delivered that beat the send, stepping through it', 'pending', [['delivered', 2]], 'delivered', [['delivered', 2]]],
    ['records each step once, in order', 'pending', [['sent', 1], ['delivered', 2], ['read', 3]], 'read', [['sent', 1], ['delivered', 2], ['read', 3]]],
    ['records no step for a duplicate or a late status', 'pending', [['read', 3], ['delivered', 2], ['read', 3]], 'read', [['read', 3]]],
    ['stops at a failure', 'pending', [['failed', 1], ['sent', 2]], 'failed', [['failed', 1]]],
  ])('%s', (_name, initial, early, status, steps) => {
    const result = applyEarlyStatuses(initial, early.map(([s, timestamp]) => ({ status: s, timestamp })));
    expect(result).toEqual({ status, advancedThrough: steps.map(([s, timestamp]) => ({ status: s, timestamp })) });
  });
});
