import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject, postWebhook, type TestNumber, type TestProject } from '../helpers/factories.ts';
import { type GraphRecorder, startGraphRecorder } from '../helpers/graph-recorder.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { captureLogs, type LogCapture } from '../helpers/log-capture.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

/**
 * Everything the gateway logs at its most verbose level, while it is handed every kind of secret
 * it keeps (an API key in either header, a number's Meta access token, app secret and verify
 * token when registered and when rotated, a webhook's signing secret and custom headers), uses
 * them (a send to Meta under the token, a signed webhook, the verification handshake) and fails
 * with them (a refused body carrying a token, Meta unreachable), holds none of them.
 */
describe.each(dialects)('the log (%s)', (dialect) => {
  let gw: TestGateway;
  let logs: LogCapture;
  let meta: GraphRecorder;
  let t: TestProject & TestNumber;
  let unreachable: TestNumber;
  const secrets: string[] = [];

  beforeAll(async () => {
    logs = captureLogs('trace');
    meta = await startGraphRecorder();
    gw = await startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, { log: logs.log });
    const project = await newProject(gw);
    t = { ...project, ...(await newPhoneNumber(gw, project.projectId, { graphUrl: meta.url })) };
    // Port 9 (discard) on loopback: nothing listens, so the send fails to connect.
    unreachable = await newPhoneNumber(gw, project.projectId, { graphUrl: 'http://127.0.0.1:9' });
    secrets.push(t.apiKey, t.accessToken, t.appSecret, t.verifyToken, unreachable.accessToken, unreachable.appSecret, unreachable.verifyToken);
  });
  afterAll(async () => {
    await gw?.close();
    await meta?.close();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = { 'x-api-key': t.apiKey }) =>
    gw.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const send = (phoneNumberId: string) =>
    api('POST', `/v24.0/${phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'hi' } });

  it('holds no API key, token, app secret, verify token or webhook secret', async () => {
    const rotated = { access_token: `rotated-token-${randomUUID()}`, app_secret: `rotated-secret-${randomUUID()}`, webhook_verify_token: `rotated-verify-${randomUUID()}` };
    const webhookSecret = `whsec-${randomUUID()}`;
    const receiverCredential = `receiver-credential-${randomUUID()}`;
    const refusedToken = `refused-token-${randomUUID()}`;
    secrets.push(...Object.values(rotated), webhookSecret, receiverCredential, refusedToken);

    const answers = [
      await api('GET', `/v24.0/${t.phoneNumberId}/messages`),
      await api('GET', `/v24.0/${t.phoneNumberId}/messages`, undefined, { authorization: `Bearer ${t.apiKey}` }),
      await api('GET', `/v24.0/${t.phoneNumberId}/messages?access_token=${t.accessToken}`),
      await send(t.phoneNumberId),
      await gw.app.inject({ method: 'GET', url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${t.verifyToken}&hub.challenge=7` }),
      await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(`wamid.SECRETS${randomUUID().slice(0, 8)}`, 'hello')]), t.appSecret),
      await api('PATCH', `/platform/v1/whatsapp/phone_numbers/${t.phoneNumberId}`, { whatsapp_phone_number: rotated }),
      await send(t.phoneNumberId),
      await api('POST', `/platform/v1/whatsapp/phone_numbers/${t.phoneNumberId}/webhooks`, {
        whatsapp_webhook: { url: 'http://127.0.0.1:9/hook', kind: 'kapso', events: ['whatsapp.message.received'], secret_key: webhookSecret, headers: { authorization: `Bearer ${receiverCredential}` } },
      }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 201]);

    const refusals = [
      await api('PATCH', `/platform/v1/whatsapp/phone_numbers/${t.phoneNumberId}`, { whatsapp_phone_number: { access_token: refusedToken, not_a_field: true } }),
      await api('GET', `/v24.0/${t.phoneNumberId}/messages`, undefined, { 'x-api-key': `sk_${refusedToken}` }),
      await send(unreachable.phoneNumberId),
    ];
    expect(refusals.map((a) => a.statusCode)).toEqual([400, 401, 502]);

    // The log saw all of it: a test of an empty log could not fail.
    const lines = logs.lines();
    expect(lines.filter((l) => l.msg === 'request')).toHaveLength(answers.length + refusals.length);
    // The 502 is logged with its error object, where a token in a URL or message would show.
    expect(lines.some((l) => l.level === 50 && l.msg === 'request failed')).toBe(true);
    expect(meta.calls.map((c) => c.authorization)).toEqual([`Bearer ${t.accessToken}`, `Bearer ${rotated.access_token}`]);

    const text = logs.text();
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(`Bearer ${secret}`);
    }
  });
});
