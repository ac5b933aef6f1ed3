import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, openWindow, send, startReceiver, startSimulator, statusesOf, textBody } from './helpers.ts';

describe('scripted recipients (POST /_simulator/recipients/{wa_id})', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url });
    openWindow(sim);
    await sim.flush();
    receiver.received.length = 0;
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const script = (body: Record<string, unknown>) => sim.app.inject({ method: 'POST', url: `/_simulator/recipients/${CUSTOMER}`, payload: body });

  it("fails every send to the recipient with Meta's error object", async () => {
    expect((await script({ fail_with: 131026 })).json()).toEqual({
      wa_id: CUSTOMER,
      fail_with: 131026,
      fail_after: 'accepted',
      read: true,
      on_whatsapp: true,
      marketing_opt_out: false,
      answers: false,
      scripted: true,
    });
    const res = await send(sim, textBody());
    expect(res.statusCode).toBe(200);
    await sim.flush();
    expect(statusesOf(receiver.received)).toEqual([
      {
        id: res.json().messages[0].id,
        status: 'failed',
        timestamp: expect.stringMatching(/^\d+$/),
        recipient_id: CUSTOMER,
        errors: [
          {
            code: 131026,
            title: 'Message Undeliverable',
            message: 'Message Undeliverable',
            error_data: { details: 'Unable to deliver message. The recipient may not be a WhatsApp user or has not accepted the latest terms.' },
            href: '/documentation/business-messaging/whatsapp/support/error-codes',
          },
        ],
      },
    ]);
  });

  it('fails after delivered for the multi-device case', async () => {
    await script({ fail_with: 131000, fail_after: 'delivered' });
    await send(sim, textBody());
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'delivered', 'failed']);
  });

  it('stops at delivered for a recipient who never reads', async () => {
    await script({ read: false });
    await send(sim, textBody());
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'delivered']);
  });

  it('returns to normal when the script is cleared', async () => {
    await script({ fail_with: 131026 });
    await script({ fail_with: null });
    await send(sim, textBody());
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });
});
