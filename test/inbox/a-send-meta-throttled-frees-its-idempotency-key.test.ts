import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InboxAnswer, sendOnce } from '../../src/inbox/send-once.ts';
import { dialects } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { addMember } from '../helpers/inbox-session.ts';

/*
 * A send Meta refused for now (throttling) was not sent: the member's Retry, with the same
 * Idempotency-Key, must reach Meta again rather than replay the refusal for 24 hours. A refusal
 * that is final (a bad parameter) is kept: sending it again would get the same answer.
 */
const metaError = (status: number, code: number): InboxAnswer => ({ statusCode: status, body: JSON.stringify({ error: { message: `(#${code})`, type: 'OAuthException', code } }) });
const accepted: InboxAnswer = { statusCode: 200, body: '{"message":{"id":"wamid.accepted"}}' };

describe.each(dialects)('an inbox send throttled by Meta (%s)', (dialect) => {
  let gw: TestGateway;
  let userId: string;
  beforeAll(async () => {
    gw = await startGateway(dialect);
    userId = (await addMember(gw, (await newProject(gw)).projectId)).id;
  });
  afterAll(() => gw.close());

  const attempt = (key: string, answer: InboxAnswer, calls: { n: number }) =>
    sendOnce(gw.deps, { userId, key, request: 'same body', requestId: 'req-1' }, async () => {
      calls.n++;
      return answer;
    });

  it.each([130429, 131056, 4, 80007])('frees the key after Meta answers %i, so the retry is sent', async (code) => {
    const calls = { n: 0 };
    const key = `throttled-${code}`;
    expect((await attempt(key, metaError(code === 130429 ? 400 : 429, code), calls)).statusCode).toBeGreaterThanOrEqual(400);
    expect(await attempt(key, accepted, calls)).toEqual(accepted);
    expect(await attempt(key, metaError(400, code), calls)).toEqual(accepted);
    expect(calls.n).toBe(2);
  });

  it('keeps a final refusal under the key: the retry answers it again without calling Meta', async () => {
    const calls = { n: 0 };
    const refused = metaError(400, 100);
    expect(await attempt('invalid-parameter', refused, calls)).toEqual(refused);
    expect(await attempt('invalid-parameter', accepted, calls)).toEqual(refused);
    expect(calls.n).toBe(1);
  });
});
