import { describe, expect, it } from 'vitest';
import { createdFlowId, flowWabaOf, listedFlowIds } from '../../src/flows/flow-answers.ts';
import { scopeHintOf } from '../../src/flows/flow-owner.ts';
import { listingOf } from '../../src/proxy/template-owner.ts';

const FLOW = '2123456789012345';
const WABA = '109876543210987';

/**
 * What the gateway reads in Meta's answers to decide which flows and templates a project may act
 * on (pure): only an answer shaped as documented, about that very object, grants anything.
 */
describe('the WABA Meta names for a flow', () => {
  it.each([
    ['the flow and its WABA', { id: FLOW, whatsapp_business_account: { id: WABA, name: 'Shop' } }, WABA],
    ['another flow', { id: '2999999999999999', whatsapp_business_account: { id: WABA } }, undefined],
    ['no WABA field', { id: FLOW }, undefined],
    ['a WABA id that is not a Graph id', { id: FLOW, whatsapp_business_account: { id: '../me' } }, undefined],
    ['a WABA given as a bare string', { id: FLOW, whatsapp_business_account: WABA }, undefined],
    ['a null WABA', { id: FLOW, whatsapp_business_account: null }, undefined],
    ['no answer (an error)', undefined, undefined],
  ])('%s', (_what, body, expected) => {
    expect(flowWabaOf(body as Record<string, unknown> | undefined, FLOW)).toBe(expected);
  });
});

describe('the flows an answer creates or lists', () => {
  it.each([
    [{ id: FLOW, success: true }, FLOW],
    [{ id: 42, success: true }, undefined],
    [{ success: true }, undefined],
    [undefined, undefined],
  ])('created %j → %s', (body, expected) => {
    expect(createdFlowId(body as Record<string, unknown> | undefined)).toBe(expected);
  });

  it.each([
    [{ data: [{ id: FLOW }, { id: 'x' }, null, { name: 'no id' }, { id: '2000000000000001' }] }, [FLOW, '2000000000000001']],
    [{ data: 'nope' }, []],
    [{}, []],
  ])('listed %j → %j', (body, expected) => {
    expect(listedFlowIds(body as Record<string, unknown>)).toEqual(expected);
  });
});

describe('a page of templates Meta lists under a WABA', () => {
  it.each([
    ['ids and the next cursor', { data: [{ id: '1' }, { id: 'x' }], paging: { cursors: { after: 'QQ' }, next: 'https://graph/next' } }, { ids: ['1'], after: 'QQ' }],
    ['the last page (no next)', { data: [{ id: '1' }], paging: { cursors: { after: 'QQ' } } }, { ids: ['1'], after: undefined }],
    ['an empty cursor', { data: [], paging: { cursors: { after: '' }, next: 'https://graph/next' } }, { ids: [], after: undefined }],
    ['no data', { error: {} }, { ids: [], after: undefined }],
  ])('%s', (_what, body, expected) => {
    expect(listingOf(Buffer.from(JSON.stringify(body)))).toEqual(expected);
  });

  it('reads nothing from a body that is not JSON', () => {
    expect(listingOf(Buffer.from('<html>'))).toEqual({ ids: [], after: undefined });
  });
});

describe('the number or WABA a flow call names', () => {
  it('takes each once and refuses a repeated one', () => {
    expect(scopeHintOf({ phone_number_id: '1', business_account_id: '2', fields: 'x' })).toEqual({ phoneNumberId: '1', businessAccountId: '2' });
    expect(scopeHintOf(undefined)).toEqual({});
    expect(() => scopeHintOf({ business_account_id: ['1', '2'] })).toThrow("Invalid parameter");
  });
});
