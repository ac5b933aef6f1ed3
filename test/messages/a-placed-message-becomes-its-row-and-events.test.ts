import { describe, expect, it } from 'vitest';
import { type ConversationMessage, messageWriteOf, type Placement } from '../../src/messages/message-write.ts';

const NOW = 1_767_268_805_000;

function message(direction: 'inbound' | 'outbound', profileName: string | null = null): ConversationMessage {
  return {
    phoneNumberId: '100200300', waId: '14155550123', profileName, id: 'wamid.1', type: 'text', direction, timestamp: 1_767_268_800,
    status: direction === 'inbound' ? 'received' : 'pending', processingStatus: direction === 'inbound' ? 'pending' : 'completed',
    payload: { type: 'text', text: { body: 'hi' } },
    derived: { hasMedia: false, content: 'hi', messageTypeData: {}, previewText: 'hi' },
  };
}

function placement(overrides: Partial<Placement> = {}): Placement {
  return { choice: { conversationId: 'c2', opened: false, endedId: null }, contactName: 'Known', status: 'received', advancedThrough: [], now: NOW, ...overrides };
}

describe('messageWriteOf', () => {
  it('writes an inbound message from the customer to the number, in its conversation', () => {
    const { row, previewText } = messageWriteOf(message('inbound', 'Maya'), placement());
    expect(row).toMatchObject({
      id: 'wamid.1', conversation_id: 'c2', direction: 'inbound', from_id: '14155550123', to_id: '100200300', status: 'received',
      processing_status: 'pending', contact_name: 'Maya', has_media: 0, created_at: NOW, updated_at: NOW,
    });
    expect(previewText).toBe('hi');
  });

  it('writes an outbound message from the number to the customer, named after the contact, at the status its early events reached', () => {
    const { row } = messageWriteOf(message('outbound'), placement({ status: 'delivered' }));
    expect(row).toMatchObject({ from_id: '100200300', to_id: '14155550123', status: 'delivered', processing_status: 'completed', contact_name: 'Known' });
  });

  it.each<[string, 'inbound' | 'outbound', Partial<Placement>, string[]]>([
    ['an inbound message joining fires received', 'inbound', {}, ['whatsapp.message.received']],
    ['an inbound message opening after a quiet one fires ended, created, received', 'inbound', { choice: { conversationId: 'c2', opened: true, endedId: 'c1' } }, ['whatsapp.conversation.ended', 'whatsapp.conversation.created', 'whatsapp.message.received']],
    ['an outbound message joining fires nothing', 'outbound', {}, []],
    ['an outbound message opening fires created', 'outbound', { choice: { conversationId: 'c2', opened: true, endedId: null } }, ['whatsapp.conversation.created']],
    ['an outbound message fires each step its early statuses took', 'outbound', { advancedThrough: [{ status: 'sent', timestamp: 1 }, { status: 'delivered', timestamp: 2 }] }, ['whatsapp.message.sent', 'whatsapp.message.delivered']],
  ])('%s', (_name, direction, overrides, types) => {
    expect(messageWriteOf(message(direction), placement(overrides)).events.map((e) => e.type)).toEqual(types);
  });

  it('names the conversation each event is about and tells whether the message opened it', () => {
    const { events } = messageWriteOf(message('inbound'), placement({ choice: { conversationId: 'c2', opened: true, endedId: 'c1' } }));
    expect(events).toEqual([
      { type: 'whatsapp.conversation.ended', phoneNumberId: '100200300', conversationId: 'c1' },
      { type: 'whatsapp.conversation.created', phoneNumberId: '100200300', conversationId: 'c2' },
      { type: 'whatsapp.message.received', phoneNumberId: '100200300', conversationId: 'c2', messageId: 'wamid.1', data: { is_new_conversation: true } },
    ]);
  });
});
