import { describe, expect, it } from 'vitest';
import type { InboxConversationRow } from '../../src/inbox/conversation-store.ts';
import { presentInboxConversation } from '../../src/inbox/present-conversation.ts';

const NOON = Date.parse('2026-01-01T12:00:00Z');
const row: InboxConversationRow = {
  id: 'c1',
  phone_number_id: '112233445566778',
  status: 'active',
  last_active_at: NOON + 300_000,
  created_at: NOON,
  contact_id: 'k1',
  contact_name: 'Ada',
  contact_wa_id: '15550102030',
  contact_bsuid: null,
  contact_username: null,
  last_message_id: 'wamid.3',
  last_message_type: 'text',
  last_message_text: 'Hello!',
  last_message_at: NOON + 300_000,
  last_message_direction: 'inbound',
  last_message_status: 'read',
  assignee_user_id: 'u1',
  assignee_email: 'agent@example.com',
  // PostgreSQL's count and bigint arrive as strings.
  unread_count: '2',
  customer_last_inbound_at: String(NOON + 300_000),
};

describe('presentInboxConversation', () => {
  it('renders every key of docs/inbox-api.md, instants in ISO 8601 with milliseconds', () => {
    expect(presentInboxConversation(row)).toEqual({
      id: 'c1',
      phone_number_id: '112233445566778',
      status: 'active',
      last_active_at: '2026-01-01T12:05:00.000Z',
      created_at: '2026-01-01T12:00:00.000Z',
      contact: { id: 'k1', name: 'Ada', wa_id: '15550102030', business_scoped_user_id: null, username: null },
      last_message: { id: 'wamid.3', type: 'text', text: 'Hello!', direction: 'inbound', timestamp: '2026-01-01T12:05:00.000Z', status: 'read' },
      unread_count: 2,
      assignee: { id: 'u1', email: 'agent@example.com' },
      window_open_until: '2026-01-02T12:05:00.000Z',
    });
  });

  it.each<[string, Partial<InboxConversationRow>, Record<string, unknown>]>([
    ['no message yet', { last_message_id: null, customer_last_inbound_at: null }, { last_message: null, window_open_until: null }],
    ['no assignee', { assignee_user_id: null, assignee_email: null }, { assignee: null }],
    ['no unread count row', { unread_count: null }, { unread_count: 0 }],
  ])('renders nulls for %s', (_case, change, expected) => {
    expect(presentInboxConversation({ ...row, ...change })).toMatchObject(expected);
  });
});
