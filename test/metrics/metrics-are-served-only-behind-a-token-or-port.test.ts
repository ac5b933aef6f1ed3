import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { listenForMetrics } from '../../src/metrics/server.ts';
import { dialects } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { METRICS_TOKEN, Scrape } from '../helpers/metrics.ts';

describe.each(dialects)('/metrics protection (%s)', (dialect) => {
  let gw: TestGateway | null = null;
  afterEach(async () => {
    await gw?.close();
    gw = null;
  });
  const get = (headers: Record<string, string> = {}) => (gw as TestGateway).app.inject({ method: 'GET', url: '/metrics', headers });

  it('is not served at all without METRICS_TOKEN or METRICS_PORT: 404 in the envelope', async () => {
    gw = await startGateway(dialect);
    const res = await get({ authorization: `Bearer ${METRICS_TOKEN}` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { message: 'Unknown path components: GET /metrics', type: 'GraphMethodException', code: 100, error_data: { messaging_product: 'whatsapp', details: 'No such endpoint.' }, fbtrace_id: expect.any(String) } });
  });

  it('answers 401 in the envelope without the bearer token or with another, and the metrics with it', async () => {
    gw = await startGateway(dialect, { METRICS_TOKEN });
    const envelope = { error: { message: 'Invalid or missing metrics token', type: 'OAuthException', code: 190, error_data: { messaging_product: 'whatsapp', details: 'Send METRICS_TOKEN as a bearer token: Authorization: Bearer <token>.' }, fbtrace_id: expect.any(String) } };
    const refusedHeaders: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-wrong-token-00' }, { authorization: `Basic ${METRICS_TOKEN}` }, { 'x-api-key': METRICS_TOKEN }];
    for (const headers of refusedHeaders) {
      const res = await get(headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.json()).toEqual(envelope);
      expect(res.body).not.toContain(METRICS_TOKEN);
    }
    const ok = await get({ authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(Scrape.parse(ok.body).family('switchboard_http_requests_total')?.type).toBe('counter');
  });

  it('with METRICS_PORT is served on that listener only, and the API port answers 404', async () => {
    gw = await startGateway(dialect, { METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' });
    expect((await get()).statusCode).toBe(404);
    const listener = await listenForMetrics(gw.deps);
    try {
      const { port } = listener?.server.address() as AddressInfo;
      const res = await request(`http://127.0.0.1:${port}/metrics`);
      expect(res.statusCode).toBe(200);
      const scraped = Scrape.parse(await res.body.text());
      // The API's requests (the 404 above) are counted, and Node's own collectors run.
      expect(scraped.total('switchboard_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
      expect(scraped.family('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
      expect(scraped.family('nodejs_gc_duration_seconds')?.type).toBe('histogram');
      expect(scraped.family('process_resident_memory_bytes')?.type).toBe('gauge');
      expect((await request(`http://127.0.0.1:${port}/v24.0/anything`)).statusCode).toBe(404);
    } finally {
      await listener?.close();
    }
  });

  it('with METRICS_PORT and METRICS_TOKEN, the listener asks for the token too', async () => {
    gw = await startGateway(dialect, { METRICS_PORT: '0', METRICS_TOKEN });
    const listener = await listenForMetrics(gw.deps);
    try {
      const { port } = listener?.server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/metrics`;
      const refused = await request(url);
      expect(refused.statusCode).toBe(401);
      expect(((await refused.body.json()) as { error: { code: number } }).error.code).toBe(190);
      expect((await request(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).statusCode).toBe(200);
    } finally {
      await listener?.close();
    }
  });
});

describe('metrics configuration', () => {
  it.each([
    ['a short token', { METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    ['a token with a space', { METRICS_TOKEN: 'a token with spaces in it' }, 'METRICS_TOKEN'],
    ['a port that is not one', { METRICS_PORT: 'nine' }, 'METRICS_PORT'],
    ['the API port', { PORT: '3000', METRICS_PORT: '3000' }, 'METRICS_PORT'],
  ])('refuses %s, naming the variable', (_what, env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it('keeps /metrics off by default and binds its port to loopback', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, port: undefined, host: '127.0.0.1' });
  });
});
