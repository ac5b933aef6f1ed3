import { describe, expect, it } from 'vitest';
import type { EventRow, WebhookRow } from '../../src/db/schema.ts';
import { INBOX_CONVERSATION_ASSIGNED_EVENT, INBOX_CONVERSATION_REOPENED_EVENT, INBOX_NOTE_CREATED_EVENT } from '../../src/events/event-types.ts';
import { matchSubscriptions } from '../../src/outbox/match-subscriptions.ts';

const webhook = (over: Partial<WebhookRow>): WebhookRow =>
  ({ id: 'w1', project_id: 'p1', phone_number_id: '111', kind: 'kapso', events: JSON.stringify([]), active: 1, ...over }) as WebhookRow;
const event = (type: string, data: Record<string, unknown> = {}): EventRow =>
  ({ seq: 1, id: 'e1', project_id: 'p1', phone_number_id: '111', type, conversation_id: 'c1', message_id: null, data: JSON.stringify(data), created_at: 0, dispatched_at: null }) as EventRow;

describe('the team inbox’s outbox events', () => {
  it.each([INBOX_NOTE_CREATED_EVENT, INBOX_CONVERSATION_ASSIGNED_EVENT, INBOX_CONVERSATION_REOPENED_EVENT])('%s goes to no subscription, even one naming it or addressed by id', (type) => {
    const hooks = [
      webhook({ id: 'w1', events: JSON.stringify([type]) }),
      webhook({ id: 'w2', phone_number_id: null, events: JSON.stringify([type]) }),
      webhook({ id: 'w3', kind: 'meta' }),
    ];
    expect(matchSubscriptions(event(type), 'p1', hooks)).toEqual([]);
    expect(matchSubscriptions(event(type, { webhook_id: 'w1' }), 'p1', hooks)).toEqual([]);
  });

  it('leaves Kapso’s events delivered as before', () => {
    const hook = webhook({ events: JSON.stringify(['whatsapp.conversation.ended']) });
    expect(matchSubscriptions(event('whatsapp.conversation.ended'), 'p1', [hook])).toEqual([hook]);
  });
});
