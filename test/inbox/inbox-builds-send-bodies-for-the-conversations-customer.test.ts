import { describe, expect, it } from 'vitest';
import { metaSendBodyOf } from '../../src/inbox/meta-send-body.ts';
import { inboxSendBody } from '../../src/inbox/schemas.ts';

describe('metaSendBodyOf', () => {
  const text = inboxSendBody.parse({ type: 'text', text: { body: 'hi' } });

  it('addresses the customer by wa_id when known', () => {
    expect(metaSendBodyOf({ wa_id: '15550102030', business_scoped_user_id: 'US.1' }, text)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '15550102030',
      type: 'text',
      text: { body: 'hi' },
    });
  });

  it('addresses a customer known only by BSUID in recipient', () => {
    expect(metaSendBodyOf({ wa_id: null, business_scoped_user_id: 'US.1' }, text)).toMatchObject({ recipient: 'US.1', type: 'text' });
    expect(metaSendBodyOf({ wa_id: null, business_scoped_user_id: 'US.1' }, text)).not.toHaveProperty('to');
  });

  it('keeps a reply’s context', () => {
    const reply = inboxSendBody.parse({ type: 'image', image: { id: '123', caption: 'x' }, context: { message_id: 'wamid.1' } });
    expect(metaSendBodyOf({ wa_id: '1', business_scoped_user_id: null }, reply)).toMatchObject({ type: 'image', image: { id: '123', caption: 'x' }, context: { message_id: 'wamid.1' } });
  });

  it('has nowhere to send for a customer with neither identifier', () => {
    expect(metaSendBodyOf({ wa_id: null, business_scoped_user_id: null }, text)).toBeNull();
  });
});

describe('inboxSendBody', () => {
  it.each<[string, unknown]>([
    ['a recipient of its own', { type: 'text', text: { body: 'hi' }, to: '15550000000' }],
    ['a BSUID recipient', { type: 'text', text: { body: 'hi' }, recipient: 'US.2' }],
    ['the envelope', { type: 'text', text: { body: 'hi' }, messaging_product: 'whatsapp' }],
    ['a callback tag', { type: 'text', text: { body: 'hi' }, biz_opaque_callback_data: 'sbb_x' }],
    ['no object for its type', { type: 'image', text: { body: 'hi' } }],
    ['an unknown type', { type: 'fax', fax: {} }],
    ['no type', { text: { body: 'hi' } }],
  ])('refuses a body with %s', (_case, body) => {
    expect(inboxSendBody.safeParse(body).success).toBe(false);
  });
});
