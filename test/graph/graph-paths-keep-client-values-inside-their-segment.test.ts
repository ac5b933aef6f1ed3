import { describe, expect, it } from 'vitest';
import { assertNoReservedFields, forwardedQuery, graphPath, isGraphId } from '../../src/graph/graph-path.ts';
import { GraphError } from '../../src/http/errors.ts';

/** What a refused call answers: Meta's invalid-parameter error, before any Graph call is made. */
function refusal(call: () => unknown): { status: number; code: number } {
  try {
    call();
  } catch (err) {
    if (err instanceof GraphError) return { status: err.statusCode, code: err.code };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('graphPath', () => {
  it('joins the version and the segments', () => {
    expect(graphPath('v24.0', ['1234', 'message_templates'])).toBe('/v24.0/1234/message_templates');
  });

  it.each([
    ['a slash', 'a/b', '/v24.0/a%2Fb'],
    ['an encoded dot-dot-slash', '..%2F..%2Fme', '/v24.0/..%252F..%252Fme'],
    ['a query', '1?access_token=x', '/v24.0/1%3Faccess_token%3Dx'],
    ['a fragment', '1#x', '/v24.0/1%23x'],
    ['a backslash', '1\\..\\me', '/v24.0/1%5C..%5Cme'],
  ])('keeps %s inside its own segment', (_what, segment, path) => {
    expect(graphPath('v24.0', [segment])).toBe(path);
    expect(new URL(path, 'https://graph.example').pathname.split('/').length).toBe(3);
  });

  it.each(['', '.', '..', '%2e', '%2E%2e', '.%2e'])('refuses the segment %j, which a URL parser would resolve away', (segment) => {
    expect(refusal(() => graphPath('v24.0', ['1', segment]))).toEqual({ status: 400, code: 100 });
  });

  it.each(['24.0', 'v24', 'v24.0/..', 'latest', 'v1234.0'])('refuses the version %j', (version) => {
    expect(refusal(() => graphPath(version, ['1']))).toEqual({ status: 400, code: 100 });
  });

  it('serialises the query so that a value cannot add a parameter', () => {
    expect(graphPath('v24.0', ['1'], { fields: 'id&access_token=x' })).toBe('/v24.0/1?fields=id%26access_token%3Dx');
  });
});

describe('forwardedQuery', () => {
  it('forwards only the parameters the route names, dropping the rest', () => {
    expect(forwardedQuery({ fields: 'id', limit: '5', other: 'x' }, ['fields', 'limit'])).toEqual({ fields: 'id', limit: '5' });
  });

  it.each(['access_token', 'appsecret_proof', 'method', 'batch', 'callback'])('refuses the reserved %s even when the route would not forward it', (name) => {
    expect(refusal(() => forwardedQuery({ [name]: 'x' }, []))).toEqual({ status: 400, code: 100 });
  });

  it('refuses a parameter given twice', () => {
    expect(refusal(() => forwardedQuery({ fields: ['id', 'name'] }, ['fields']))).toEqual({ status: 400, code: 100 });
  });
});

describe('assertNoReservedFields', () => {
  it('refuses a JSON body carrying a reserved Graph parameter at its top level', () => {
    expect(refusal(() => assertNoReservedFields({ messaging_product: 'whatsapp', access_token: 'x' }))).toEqual({ status: 400, code: 100 });
  });

  it('lets ordinary bodies, nested look-alikes and raw bytes through', () => {
    expect(() => assertNoReservedFields({ template: { access_token: 'not top level' } })).not.toThrow();
    expect(() => assertNoReservedFields(Buffer.from('access_token=x'))).not.toThrow();
    expect(() => assertNoReservedFields(undefined)).not.toThrow();
  });
});

describe('isGraphId', () => {
  it.each([['1234567890', true], ['', false], ['12a', false], ['-1', false], ['1'.repeat(33), false], [1234, false]])('%j → %s', (value, expected) => {
    expect(isGraphId(value)).toBe(expected);
  });
});
