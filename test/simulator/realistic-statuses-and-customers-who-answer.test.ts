import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { realisticStatusDefaults } from '../../src/simulator/options.ts';
import { createRandom } from '../../src/simulator/random.ts';
import { statusTimingFor } from '../../src/simulator/send/status-timing.ts';
import { CUSTOMER, messagesOf, openWindow, send, startReceiver, startSimulator, statusesOf, textBody } from './helpers.ts';

const fixed = { sent: 50, delivered: 150, read: 300 };
const template = (to: string) => ({ messaging_product: 'whatsapp', to: `+${to}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
const customers = Array.from({ length: 40 }, (_, i) => `4420${String(7_100_000 + i)}`);

describe('statusTimingFor: status delays per message', () => {
  it('keeps the fixed delays and the customer reading without the realistic preset', () => {
    const dice = createRandom(1);
    expect(statusTimingFor({ fixed, realistic: false, dice, readsAtAll: true, answers: false })).toEqual({ delays: fixed, reads: true });
    expect(statusTimingFor({ fixed, realistic: false, dice, readsAtAll: false, answers: true })).toEqual({ delays: fixed, reads: false });
  });

  it('draws sent after 0.1–0.5 s, delivered after 1–3 s and, for about 70 % of messages, read after 4–30 s', () => {
    const dice = createRandom(2);
    const timings = Array.from({ length: 10_000 }, () => statusTimingFor({ fixed, realistic: realisticStatusDefaults, dice, readsAtAll: true, answers: false }));
    for (const { delays } of timings) {
      expect(delays.sent).toBeGreaterThanOrEqual(100);
      expect(delays.sent).toBeLessThanOrEqual(500);
      expect(delays.delivered).toBeGreaterThanOrEqual(1000);
      expect(delays.delivered).toBeLessThanOrEqual(3000);
      expect(delays.read).toBeGreaterThanOrEqual(4000);
      expect(delays.read).toBeLessThanOrEqual(30_000);
    }
    const readShare = timings.filter((t) => t.reads).length / timings.length;
    expect(readShare).toBeGreaterThan(0.67);
    expect(readShare).toBeLessThan(0.73);
    expect(new Set(timings.map((t) => t.delays.sent)).size).toBeGreaterThan(300);
  });

  it('never has a step before the one it follows, whatever the ranges', () => {
    const dice = createRandom(3);
    const realistic = { sentMs: [500, 900] as [number, number], deliveredMs: [0, 600] as [number, number], readMs: [0, 10] as [number, number], readShare: 1 };
    for (let i = 0; i < 1000; i++) {
      const { delays } = statusTimingFor({ fixed, realistic, dice, readsAtAll: true, answers: false });
      expect(delays.delivered).toBeGreaterThanOrEqual(delays.sent);
      expect(delays.read).toBeGreaterThanOrEqual(delays.delivered);
    }
  });

  it('has a customer who answers read the message, and one who never reads never read it', () => {
    const dice = createRandom(4);
    const realistic = { ...realisticStatusDefaults, readShare: 0 };
    expect(statusTimingFor({ fixed, realistic, dice, readsAtAll: true, answers: true }).reads).toBe(true);
    expect(statusTimingFor({ fixed, realistic, dice, readsAtAll: true, answers: false }).reads).toBe(false);
    expect(statusTimingFor({ fixed, realistic: { ...realistic, readShare: 1 }, dice, readsAtAll: false, answers: true }).reads).toBe(false);
  });
});

describe('realisticStatuses and answerShare through the simulator', () => {
  const sims: Simulator[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
    await receiver?.close();
    receiver = undefined;
  });
  const start = async (options: SimulatorOptions) => {
    const sim = await startSimulator(options);
    sims.push(sim);
    return sim;
  };
  const short = { sentMs: [5, 15] as [number, number], deliveredMs: [15, 30] as [number, number], readMs: [30, 45] as [number, number], readShare: 0.5 };

  it('reads about the configured share of messages, the same ones for the same seed', async () => {
    const readOnes = async () => {
      const sim = await start({ seed: 21, realisticStatuses: short });
      const wamids: string[] = [];
      for (const c of customers) wamids.push((await send(sim, template(c))).json().messages[0].id);
      await sim.flush();
      const outbound = sim.state.messages.filter((m) => m.direction === 'outbound');
      for (const m of outbound) expect(m.statuses.slice(0, 2).map((s) => s.status)).toEqual(['sent', 'delivered']);
      return outbound.filter((m) => m.status === 'read').map((m) => wamids.indexOf(m.id));
    };
    const first = await readOnes();
    expect(first.length).toBeGreaterThan(10);
    expect(first.length).toBeLessThan(30);
    expect(await readOnes()).toEqual(first);
  });

  it('has the drawn share of customers answer a template with a text after reading it', async () => {
    receiver = await startReceiver();
    const sim = await start({ seed: 9, webhookUrl: receiver.url, answerShare: 0.5, answerDelayMs: [1, 5], realisticStatuses: { ...short, readShare: 0 } });
    for (const c of customers) await send(sim, template(c));
    await sim.flush();
    const answering: string[] = [];
    for (const c of customers) if ((await sim.app.inject({ method: 'GET', url: `/_simulator/recipients/${c}` })).json().answers) answering.push(c);
    expect(answering.length).toBeGreaterThan(10);
    expect(answering.length).toBeLessThan(30);
    const answers = messagesOf(receiver.received);
    expect(answers.map((m) => m.from).sort()).toEqual([...answering].sort());
    for (const answer of answers) expect(answer).toMatchObject({ type: 'text', text: { body: expect.any(String) } });
    // readShare 0: only the customers who answer read, and each read comes before the answer.
    const statuses = statusesOf(receiver.received);
    expect(statuses.filter((s) => s.status === 'read').map((s) => s.recipient_id).sort()).toEqual([...answering].sort());
    const order = receiver.received.map((w) => w.body.entry[0]?.changes[0]?.value).map((v) => (v?.messages ? `answer:${(v.messages as { from: string }[])[0]?.from}` : `${(v?.statuses as { status: string; recipient_id: string }[])[0]?.status}:${(v?.statuses as { recipient_id: string }[])[0]?.recipient_id}`));
    for (const c of answering) expect(order.indexOf(`read:${c}`)).toBeLessThan(order.indexOf(`answer:${c}`));
  });

  it('answers only templates, never free-form messages, and leaves answers to an autoReply function when one is given', async () => {
    receiver = await startReceiver();
    const sim = await start({ webhookUrl: receiver.url, answerDelayMs: [1, 5], recipients: { [CUSTOMER]: { answers: true } } });
    openWindow(sim);
    await sim.flush();
    receiver.received.length = 0;
    await send(sim, textBody());
    await sim.flush();
    expect(messagesOf(receiver.received)).toEqual([]);
    await send(sim, template(CUSTOMER));
    await sim.flush();
    expect(messagesOf(receiver.received)).toEqual([expect.objectContaining({ from: CUSTOMER, type: 'text' })]);

    receiver.received.length = 0;
    const quiet = await start({ webhookUrl: receiver.url, recipients: { [CUSTOMER]: { answers: true } }, autoReply: () => null });
    await send(quiet, template(CUSTOMER));
    await quiet.flush();
    expect(messagesOf(receiver.received)).toEqual([]);
  });
});
