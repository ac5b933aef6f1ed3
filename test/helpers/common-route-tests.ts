import { expect } from 'vitest';
import type { TestGateway } from './harness.ts';

type Injected = Awaited<ReturnType<TestGateway['app']['inject']>>;

export interface RouteCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object;
}

/**
 * The authentication checks every authenticated route must pass (style.md §14): no key, a
 * malformed key, an unknown key and a bearer that is no key all answer 401 in Meta's envelope.
 */
export async function expectAuthRequired(gw: TestGateway, route: RouteCall): Promise<void> {
  const badHeaders: Array<Record<string, string>> = [
    {},
    { 'x-api-key': 'not-a-key' },
    { 'x-api-key': 'sbk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' },
    { authorization: 'Bearer nope' },
  ];
  for (const headers of badHeaders) {
    const res = await gw.app.inject({ method: route.method, url: route.url, headers, ...(route.payload ? { payload: route.payload } : {}) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: expect.objectContaining({ code: 190, type: 'OAuthException', message: 'Invalid or missing API key', fbtrace_id: expect.any(String) }),
    });
  }
}

/**
 * Another project's resource must answer exactly as one that does not exist (style.md §6): the
 * same status and the same error body once the request id and the id itself are set aside.
 */
export function expectIndistinguishable(foreign: Injected, missing: Injected, ids: { foreign: string; missing: string }): void {
  expect(foreign.statusCode).toBe(404);
  expect(missing.statusCode).toBe(404);
  const normalize = (res: Injected, id: string) => {
    const { fbtrace_id: _trace, ...rest } = res.json().error;
    return JSON.parse(JSON.stringify(rest).split(id).join('<id>'));
  };
  expect(normalize(foreign, ids.foreign)).toEqual(normalize(missing, ids.missing));
}
