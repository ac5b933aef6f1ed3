import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { NUMBER, startSimulator, testClock } from './helpers.ts';

const auth = { authorization: `Bearer ${NUMBER.access_token}` };
const HOUR_MS = 3600 * 1000;

/** meta-cloud-api.md §6.3: an approved template takes one edit per 24 h and ten per 30 days. */
describe('template edits: the limits on approved templates', () => {
  let sim: Simulator;
  let clock: ReturnType<typeof testClock>;
  beforeEach(async () => {
    clock = testClock();
    sim = await startSimulator({ clock });
  });
  afterEach(() => sim.close());

  const helloWorld = () => [...sim.state.templates.values()].find((t) => t.name === 'hello_world');
  const edit = async (n: number) => {
    const template = helloWorld();
    const res = await sim.app.inject({ method: 'POST', url: `/v24.0/${template?.id ?? ''}`, headers: auth, payload: { components: [{ type: 'BODY', text: `Edit number ${n}.` }] } });
    await sim.flush();
    return res;
  };

  it('refuses a second edit within 24 hours and takes it after', async () => {
    expect((await edit(1)).json()).toEqual({ success: true });
    expect(helloWorld()?.status).toBe('APPROVED');
    clock.advance(23 * HOUR_MS);
    expect((await edit(2)).json().error).toMatchObject({ code: 100, error_data: { details: 'An approved template can be edited once in 24 hours.' } });
    expect(helloWorld()?.components).toEqual([{ type: 'BODY', text: 'Edit number 1.' }]);
    clock.advance(HOUR_MS);
    expect((await edit(3)).json()).toEqual({ success: true });
  });

  it('refuses an eleventh edit within 30 days', async () => {
    for (let n = 1; n <= 10; n++) {
      expect((await edit(n)).json()).toEqual({ success: true });
      clock.advance(25 * HOUR_MS);
    }
    expect((await edit(11)).json().error).toMatchObject({ code: 100, error_data: { details: 'An approved template can be edited at most 10 times in 30 days.' } });
    clock.advance(30 * 24 * HOUR_MS);
    expect((await edit(12)).json()).toEqual({ success: true });
  });

  it('does not count edits of a rejected template', async () => {
    const template = helloWorld();
    if (template) template.status = 'REJECTED';
    expect((await edit(1)).json()).toEqual({ success: true });
    if (template) template.status = 'REJECTED';
    expect((await edit(2)).json()).toEqual({ success: true });
  });
});
