import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, fbtrace, openWindow, send, startReceiver, startSimulator, statusesOf, testClock, textBody } from './helpers.ts';

const template = { messaging_product: 'whatsapp', to: CUSTOMER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };
const dayMs = 24 * 60 * 60 * 1000;

describe('the 24-hour customer service window (meta-cloud-api.md §5.5)', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  afterEach(async () => {
    await sim.close();
    await receiver?.close();
  });

  it('accepts free-form outside the window, then fails it with a 131047 status by default', async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url });
    const res = await send(sim, textBody());
    expect(res.statusCode).toBe(200);
    await sim.flush();
    expect(statusesOf(receiver.received)).toEqual([
      {
        id: res.json().messages[0].id,
        status: 'failed',
        timestamp: expect.any(String),
        recipient_id: CUSTOMER,
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            error_data: { details: "Over 24 hours since the recipient's last reply to this business number." },
            href: '/documentation/business-messaging/whatsapp/support/error-codes',
          },
        ],
      },
    ]);
  });

  it('answers 131047 synchronously when windowFailure is response', async () => {
    sim = await startSimulator({ windowFailure: 'response' });
    const res = await send(sim, textBody());
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        message: '(#131047) Re-engagement message',
        type: 'OAuthException',
        code: 131047,
        error_data: { messaging_product: 'whatsapp', details: "Over 24 hours since the recipient's last reply to this business number." },
        fbtrace_id: fbtrace,
      },
    });
  });

  it('lets templates through outside the window', async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url, windowFailure: 'response' });
    const res = await send(sim, template);
    expect(res.statusCode).toBe(200);
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('opens the window with a customer message and closes it 24 hours later', async () => {
    const clock = testClock();
    sim = await startSimulator({ clock, windowFailure: 'response' });
    openWindow(sim);
    expect((await send(sim, textBody())).statusCode).toBe(200);
    clock.advance(dayMs - 1);
    expect((await send(sim, textBody())).statusCode).toBe(200);
    clock.advance(1);
    expect((await send(sim, textBody())).json().error.code).toBe(131047);
    expect((await send(sim, template)).statusCode).toBe(200);
  });

  it('keeps windows per customer', async () => {
    sim = await startSimulator({ windowFailure: 'response' });
    openWindow(sim, '14155550999');
    expect((await send(sim, textBody('hi', '+14155550999'))).statusCode).toBe(200);
    expect((await send(sim, textBody('hi', `+${CUSTOMER}`))).statusCode).toBe(400);
  });

  it('does not enforce the window when enforceWindow is false', async () => {
    sim = await startSimulator({ enforceWindow: false, windowFailure: 'response' });
    expect((await send(sim, textBody())).statusCode).toBe(200);
  });
});
