import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { send, startSimulator } from './helpers.ts';

const template = (to: string) => ({ messaging_product: 'whatsapp', to: `+${to}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });

/** Keeps the event loop busy, as a loaded simulator's is, so that timers fire late. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("one message's statuses keep their order when timers fire late", () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  it('emits sent, delivered, read in order even when a late event loop fires older timers first', async () => {
    sim = await startSimulator({ statusDelaysMs: { sent: 10, delivered: 20, read: 30 } });
    // The first message leaves timers of the `delivered` and `read` durations that fall due
    // before the second message's `sent`; a busy loop then finds them all due at once.
    await send(sim, template('14155550001'));
    await sleep(15);
    const second = (await send(sim, template('14155550002'))).json().messages[0].id;
    blockFor(80);
    await sim.flush();
    expect(sim.state.messagesById.get(second)?.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });
});
