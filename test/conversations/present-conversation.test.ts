import { describe, expect, it } from 'vitest';
import { CONVERSATION_KAPSO_VOCABULARY } from '../../src/conversations/fields.ts';
import { presentConversation } from '../../src/conversations/present.ts';
import type { ConversationView } from '../../src/conversations/store.ts';
import { parseFields } from '../../src/http/fields.ts';
import { whatsappConfigId } from '../../src/tenants/config-id.ts';

const NOON = Date.parse('2026-01-01T12:00:00Z');
const row: ConversationView = {
  id: '7d1c3e52-9a4b-4f0e-8c21-5b6a9d0e3f47',
  phone_number_id: '112233445566778',
  contact_id: '3a9f0c12-6e4d-4b7a-a1c5-0f2e8d9b6c34',
  wa_id: '14155550123',
  business_scoped_user_id: null,
  status: 'active',
  metadata: '{"priority":"high"}',
  messages_count: 3,
  last_message_id: 'wamid.3',
  last_message_type: 'image',
  last_message_at: NOON + 300_000,
  last_message_text: 'receipt',
  last_inbound_at: NOON + 300_000,
  last_outbound_at: null,
  last_active_at: NOON + 300_000,
  created_at: NOON,
  updated_at: NOON + 300_000,
  ended_at: null,
  contact_name: 'Maya Chen',
};
const present = (fields?: string) => presentConversation(row, parseFields(fields, CONVERSATION_KAPSO_VOCABULARY));
const fullKapso = {
  contact_name: 'Maya Chen',
  messages_count: 3,
  last_message_id: 'wamid.3',
  last_message_type: 'image',
  last_message_timestamp: '2026-01-01T12:05:00.000000Z',
  last_message_text: 'receipt',
  last_inbound_at: '2026-01-01T12:05:00.000000Z',
  last_outbound_at: null,
};

describe('presentConversation', () => {
  it('renders the §6.2 object with the whole kapso set when fields is absent', () => {
    expect(present()).toEqual({
      id: row.id,
      phone_number: '14155550123',
      business_scoped_user_id: null,
      parent_business_scoped_user_id: null,
      username: null,
      status: 'active',
      last_active_at: '2026-01-01T12:05:00.000000Z',
      created_at: '2026-01-01T12:00:00.000000Z',
      updated_at: '2026-01-01T12:05:00.000000Z',
      whatsapp_config_id: whatsappConfigId('112233445566778'),
      phone_number_id: '112233445566778',
      metadata: { priority: 'high' },
      kapso: fullKapso,
    });
  });

  it.each<[string, object | undefined]>([
    ['kapso(default)', fullKapso],
    ['kapso(*)', fullKapso],
    ['kapso(all)', fullKapso],
    ['kapso(default,direction)', fullKapso],
    ['kapso(contact_name,messages_count)', { contact_name: 'Maya Chen', messages_count: 3 }],
    ['kapso(last_outbound_at)', { last_outbound_at: null }],
    ['kapso(direction,content)', {}],
    ['kapso()', undefined],
  ])('renders the kapso block fields=%s asks for', (fields, kapso) => {
    expect(present(fields).kapso).toEqual(kapso);
  });

  it('renders a customer known only by BSUID with a null phone_number and their BSUID fields', () => {
    const bsuidOnly = { ...row, wa_id: null, business_scoped_user_id: 'US.1', parent_business_scoped_user_id: 'US.ENT.1', username: 'maya' };
    expect(presentConversation(bsuidOnly, parseFields(undefined, CONVERSATION_KAPSO_VOCABULARY))).toMatchObject({
      phone_number: null,
      business_scoped_user_id: 'US.1',
      parent_business_scoped_user_id: 'US.ENT.1',
      username: 'maya',
    });
  });

  it('keeps only the named top-level keys, and always id', () => {
    expect(present('status,kapso()')).toEqual({ id: row.id, status: 'active' });
  });

  it('derives one stable UUID per number for whatsapp_config_id', () => {
    expect(whatsappConfigId('112233445566778')).toBe(whatsappConfigId('112233445566778'));
    expect(whatsappConfigId('112233445566778')).not.toBe(whatsappConfigId('112233445566779'));
    expect(whatsappConfigId('1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
