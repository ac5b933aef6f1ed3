import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeValidationIssue } from '../../src/http/validation-message.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

describe('describeValidationIssue', () => {
  it.each([
    [{ keyword: 'invalid_type', instancePath: '/to', message: 'Invalid input: expected string, received undefined', params: { expected: 'string' } }, 'to', 'The parameter to is required.'],
    [{ keyword: 'invalid_type', instancePath: '/text/body', message: 'Invalid input: expected string, received number', params: { expected: 'string' } }, 'text.body', 'Param text.body must be a string.'],
    [{ keyword: 'invalid_type', instancePath: '/context', message: 'Invalid input: expected object, received string', params: { expected: 'object' } }, 'context', 'Param context must be an object.'],
    [{ keyword: 'invalid_value', instancePath: '/messaging_product', message: 'Invalid input', params: { values: ['whatsapp'] } }, 'messaging_product', 'Param messaging_product must be "whatsapp".'],
    [{ keyword: 'invalid_value', instancePath: '/type', message: 'Invalid option', params: { values: ['text', 'image'] } }, 'type', 'Param type must be one of {"text", "image"}.'],
    [{ keyword: 'unrecognized_keys', instancePath: '/', message: 'Unrecognized key', params: { keys: ['evnts'] } }, 'body', 'Unknown parameter evnts.'],
    [{ keyword: 'too_big', instancePath: '/to', message: 'Too big: expected string to have <=256 characters', params: {} }, 'to', 'Param to: Too big: expected string to have <=256 characters'],
  ])('describes %j', (issue, parameter, details) => {
    expect(describeValidationIssue('body', issue)).toEqual({ parameter, details });
  });
});

describe.each(dialects)('a send that fails validation names the parameter (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  it.each([
    ['a missing to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'hi' } }, 'The parameter to is required.'],
    ['a missing messaging_product', { to: '14155550123', type: 'text', text: { body: 'hi' } }, 'Param messaging_product must be "whatsapp".'],
    ['an unknown type', { messaging_product: 'whatsapp', to: '14155550123', type: 'txt', text: { body: 'hi' } }, 'Param type must be one of {'],
    ['a type without its object', { messaging_product: 'whatsapp', to: '14155550123', type: 'image' }, "a 'image' object is required for type image"],
    ['a mark-as-read without message_id', { messaging_product: 'whatsapp', status: 'read' }, 'The parameter message_id is required.'],
  ])('answers %s with code 100 naming it', async (_label, body, details) => {
    const t = await newTenant(gw);
    const res = await gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey }, payload: body });
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error).toMatchObject({ code: 100, type: 'OAuthException', message: '(#100) Invalid parameter' });
    expect(error.error_data.details).toContain(details);
    expect(error.fbtrace_id).toEqual(expect.any(String));
  });
});
