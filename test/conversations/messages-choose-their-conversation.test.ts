import { describe, expect, it } from 'vitest';
import { chooseConversations, type CurrentConversationRef } from '../../src/conversations/lifecycle.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const T0 = 1_767_268_800_000;

/** Ids handed out in order: new-1, new-2, … */
function ids(): () => string {
  let n = 0;
  return () => `new-${++n}`;
}

const at = (customer: string, atMs: number) => ({ customer, atMs, inactivityMs: DAY_MS });

describe('chooseConversations', () => {
  it.each<[string, CurrentConversationRef | undefined, number, { conversationId: string; opened: boolean; endedId: string | null }]>([
    ['opens the first conversation of a new customer', undefined, T0, { conversationId: 'new-1', opened: true, endedId: null }],
    ['joins the active conversation within the inactivity window', { id: 'c1', status: 'active', last_active_at: T0 }, T0 + 23 * HOUR_MS, { conversationId: 'c1', opened: false, endedId: null }],
    ['joins exactly at the end of the window', { id: 'c1', status: 'active', last_active_at: T0 }, T0 + DAY_MS, { conversationId: 'c1', opened: false, endedId: null }],
    ['opens a new one and ends the quiet one past the window', { id: 'c1', status: 'active', last_active_at: T0 }, T0 + DAY_MS + 1, { conversationId: 'new-1', opened: true, endedId: 'c1' }],
    ['opens a new one after an ended conversation, ending nothing', { id: 'c1', status: 'ended', last_active_at: T0 }, T0 + HOUR_MS, { conversationId: 'new-1', opened: true, endedId: null }],
    ['joins with a message older than the last activity (a late delivery)', { id: 'c1', status: 'active', last_active_at: T0 }, T0 - 5 * DAY_MS, { conversationId: 'c1', opened: false, endedId: null }],
  ])('%s', (_name, current, atMs, expected) => {
    const currentOf = new Map(current ? [['k', current]] : []);
    expect(chooseConversations([at('k', atMs)], currentOf, ids())).toEqual([expected]);
  });

  it('lets a later message of the batch join the conversation an earlier one opened', () => {
    expect(chooseConversations([at('k', T0), at('k', T0 + HOUR_MS)], new Map(), ids())).toEqual([
      { conversationId: 'new-1', opened: true, endedId: null },
      { conversationId: 'new-1', opened: false, endedId: null },
    ]);
  });

  it('measures quiet from the latest activity the batch gave the conversation', () => {
    const current = new Map([['k', { id: 'c1', status: 'active' as const, last_active_at: T0 }]]);
    const choices = chooseConversations([at('k', T0 + 20 * HOUR_MS), at('k', T0 + 40 * HOUR_MS), at('k', T0 + 70 * HOUR_MS)], current, ids());
    expect(choices).toEqual([
      { conversationId: 'c1', opened: false, endedId: null },
      { conversationId: 'c1', opened: false, endedId: null },
      { conversationId: 'new-1', opened: true, endedId: 'c1' },
    ]);
  });

  it('ends the conversation the batch itself opened when it goes quiet within the batch', () => {
    expect(chooseConversations([at('k', T0), at('k', T0 + 2 * DAY_MS)], new Map(), ids())).toEqual([
      { conversationId: 'new-1', opened: true, endedId: null },
      { conversationId: 'new-2', opened: true, endedId: 'new-1' },
    ]);
  });

  it('keeps each customer to their own conversation and leaves the map it was given alone', () => {
    const current = new Map([['a', { id: 'ca', status: 'active' as const, last_active_at: T0 }]]);
    const choices = chooseConversations([at('a', T0 + HOUR_MS), at('b', T0 + HOUR_MS), at('a', T0 + 2 * HOUR_MS)], current, ids());
    expect(choices.map((c) => c.conversationId)).toEqual(['ca', 'new-1', 'ca']);
    expect(current.get('a')).toEqual({ id: 'ca', status: 'active', last_active_at: T0 });
  });
});
