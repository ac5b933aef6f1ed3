import { describe, expect, it } from 'vitest';
import { templateSendOf } from '../../src/broadcasts/send-body.ts';
import { outcomeOfRefusal, suppressionFor, throttleDelayMs } from '../../src/broadcasts/send-outcome.ts';

describe('what a broadcast send’s answer from Meta means', () => {
  const now = 1_000_000;

  it('retries Meta’s throttling codes after 4^X seconds and never fails them', () => {
    for (const code of [130429, 131056, 131048, 80007, 4, 131057]) {
      expect(outcomeOfRefusal({ statusCode: 400, code }, 1, now)).toEqual({ kind: 'retry', nextAttemptAt: now + 1_000, reason: `Meta ${code}` });
    }
    expect([1, 2, 3, 4].map(throttleDelayMs)).toEqual([1_000, 4_000, 16_000, 64_000]);
    expect(throttleDelayMs(20)).toBe(3_600_000);
  });

  it('takes a 5xx for an unknown outcome: Meta may have sent it before failing', () => {
    expect(outcomeOfRefusal({ statusCode: 500, code: 131000 }, 1, now)).toEqual({ kind: 'unknown', detail: 'Meta answered 500 (131000)' });
    expect(outcomeOfRefusal({ statusCode: 503 }, 1, now).kind).toBe('unknown');
  });

  it('fails the recipient on a permanent refusal, with Meta’s words and code', () => {
    expect(outcomeOfRefusal({ statusCode: 400, code: 131047, message: '(#131047) Re-engagement message', details: 'More than 24 hours have passed' }, 1, now)).toEqual({
      kind: 'failed',
      errorMessage: 'More than 24 hours have passed',
      errorCode: 131047,
      errorSubcode: null,
      suppress: null,
    });
  });

  it('suppresses opted-out numbers and numbers not on WhatsApp', () => {
    expect(outcomeOfRefusal({ statusCode: 400, code: 131050, message: 'opted out' }, 1, now)).toMatchObject({ kind: 'failed', suppress: 'marketing_opt_out' });
    expect(outcomeOfRefusal({ statusCode: 400, code: 131026, message: 'undeliverable' }, 1, now)).toMatchObject({ kind: 'failed', suppress: 'not_on_whatsapp' });
    expect(suppressionFor(131047)).toBeNull();
  });

  it('fails the whole broadcast when its template or number is gone', () => {
    expect(outcomeOfRefusal({ statusCode: 400, code: 132015, message: 'Template paused' }, 1, now)).toEqual({ kind: 'broadcast_failed', reason: 'the template is paused at Meta (Meta 132015: Template paused)' });
    expect(outcomeOfRefusal({ statusCode: 401, code: 190, message: 'expired' }, 1, now).kind).toBe('broadcast_failed');
  });
});

describe('a recipient’s template message', () => {
  it('is the broadcast’s template in its language with the recipient’s components, tagged with its send tag', () => {
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Maya' }] }];
    expect(templateSendOf({ name: 'sale', language: 'pt_BR' }, { phone_number: '5511987654321', components: JSON.stringify(components), send_tag: 'sbb_abc' })).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+5511987654321',
      type: 'template',
      template: { name: 'sale', language: { code: 'pt_BR' }, components },
      biz_opaque_callback_data: 'sbb_abc',
    });
  });

  it('carries no components for a template without variables', () => {
    expect(templateSendOf({ name: 'hello', language: 'en_US' }, { phone_number: '14155550123', components: '[]', send_tag: 'sbb_x' }).template).toEqual({ name: 'hello', language: { code: 'en_US' } });
  });
});
