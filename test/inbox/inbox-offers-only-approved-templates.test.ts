import { describe, expect, it } from 'vitest';
import { approvedTemplateOf } from '../../src/inbox/read-approved-templates.ts';

describe('approvedTemplateOf', () => {
  it('keeps an approved template in the inbox’s shape', () => {
    const listed = { id: '9', name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'utility', parameter_format: 'NAMED', components: [{ type: 'BODY', text: 'Hi {{name}}' }], extra: 1 };
    expect(approvedTemplateOf(listed)).toEqual({ id: '9', name: 'order_update', language: 'en_US', category: 'UTILITY', parameter_format: 'NAMED', components: [{ type: 'BODY', text: 'Hi {{name}}' }] });
  });

  it.each([['PENDING'], ['REJECTED'], ['PAUSED'], [undefined]])('drops a template whose status is %s', (status) => {
    expect(approvedTemplateOf({ id: '9', name: 'x', status })).toBeNull();
  });

  it('drops what is not a template', () => {
    expect(approvedTemplateOf(null)).toBeNull();
    expect(approvedTemplateOf({ status: 'APPROVED' })).toBeNull();
  });
});
