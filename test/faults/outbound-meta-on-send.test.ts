import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject } from '../helpers/factories.ts';
import { drip, type FaultServer, startHangingServer, startHttpFault, startResettingServer, startTcpFault } from '../helpers/fault-servers.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550123';
const TEXT = { messaging_product: 'whatsapp', to: `+${CUSTOMER}`, type: 'text', text: { body: 'hello' } };

/** What each misbehaving "Meta" does with `POST /{v}/{pnid}/messages`. */
const faults: Record<string, () => Promise<FaultServer>> = {
  hangs: startHangingServer,
  resets: () => startResettingServer(),
  'resets mid-answer': () => startResettingServer('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{"messages":[{"id":"wam'),
  'answers garbage': () => startHttpFault((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>')),
  'answers an error that is not JSON': () => startHttpFault((_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<html>upstream down</html>')),
  'answers 200 without a message id': () => startHttpFault((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')),
  'answers a truncated body': () =>
    startTcpFault((socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{"messages":[{"id":"wamid.'))),
  'answers a huge body': () =>
    startHttpFault((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024 + 2) });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 64 && res.write(chunk)) sent++;
        if (sent < 64) res.once('drain', more);
        else res.end('{}');
      };
      more();
    }),
  'answers slowly, a byte every 50 ms': () => startHttpFault((_req, res) => drip(res, 50, 'application/json')),
};

/** The status and the words of `error_data.details` each fault must be answered with. */
const expected: Record<string, [number, RegExp]> = {
  hangs: [504, /timeout/],
  resets: [502, /connection reset|connection closed/],
  'resets mid-answer': [502, /connection reset|connection closed/],
  'answers garbage': [502, /bad response \(status 200 with a body that is not JSON\)/],
  'answers an error that is not JSON': [502, /bad response \(status 503 with a body that is not JSON\)/],
  'answers 200 without a message id': [502, /bad response \(status 200 without a message id\)/],
  'answers a truncated body': [502, /connection closed before the answer was complete/],
  'answers a huge body': [502, /bad response \(over \d+ bytes\)/],
  'answers slowly, a byte every 50 ms': [504, /timeout \(no complete answer within 1000 ms\)/],
};

describe.each(dialects)('a send when Meta misbehaves (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, {}, { META_TIMEOUT_MS: '1000' });
  });
  afterAll(() => env.close());

  it.each(Object.keys(faults))('answers in the envelope and stores nothing when Meta %s', async (fault) => {
    const server = await (faults[fault] as () => Promise<FaultServer>)();
    try {
      const project = await newProject(env.gw);
      const t = { ...project, ...(await newPhoneNumber(env.gw, project.projectId, { graphUrl: server.url })) };
      const res = await env.gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey }, payload: TEXT });
      const [status, details] = expected[fault] as [number, RegExp];
      expect(res.statusCode).toBe(status);
      const { error } = res.json();
      expect(error).toMatchObject({ code: 2, type: 'OAuthException', fbtrace_id: expect.any(String), error_data: { messaging_product: 'whatsapp' } });
      expect(error.error_data.details).toMatch(details);
      expect(error.error_data.details.startsWith(`${server.url}: `)).toBe(true);
      const stored = await env.gw.deps.database.db.selectFrom('messages').select('id').where('phone_number_id', '=', t.phoneNumberId).execute();
      expect(stored).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('names a refused connection', async () => {
    const project = await newProject(env.gw);
    const t = { ...project, ...(await newPhoneNumber(env.gw, project.projectId, { graphUrl: 'http://127.0.0.1:9' })) };
    const res = await env.gw.app.inject({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey }, payload: TEXT });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.error_data.details).toBe('http://127.0.0.1:9: connection refused');
  });
});
