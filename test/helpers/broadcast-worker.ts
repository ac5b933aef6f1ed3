import { BroadcastWorker } from '../../src/broadcasts/worker.ts';
import { OutboxWorker } from '../../src/outbox/worker.ts';
import { platform, saleComponents, seedTemplate } from './broadcasts.ts';
import type { GatewayAndSimulator } from './with-simulator.ts';

/** The workers a broadcast needs, running on the gateway: the sender, and the outbox that brings statuses back to recipients. */
export function startBroadcastWorkers(env: GatewayAndSimulator, opts: { concurrency?: number } = {}): { stop(): Promise<void> } {
  const sender = new BroadcastWorker(env.gw.deps, { idlePollMs: 50, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}), wakeOn: env.gw.deps.broadcastBell });
  const outbox = new OutboxWorker(env.gw.deps, { idlePollMs: 20, wakeOn: env.gw.deps.outboxBell });
  sender.start();
  outbox.start();
  return { stop: async () => void (await Promise.all([sender.stop(2_000), outbox.stop(2_000)])) };
}

/** `n` recipients of seedTemplate's default template, numbered from `offset`. */
export function saleRecipients(n: number, offset = 0): Array<{ phone_number: string; components: unknown[] }> {
  return Array.from({ length: n }, (_, i) => ({ phone_number: `+1415777${String(offset + i).padStart(4, '0')}`, components: saleComponents(`Name${offset + i}`) }));
}

/** A draft with these recipients, on the tenant's number, over the Platform API. Returns its id. */
export async function draftBroadcast(env: GatewayAndSimulator, t: { apiKey: string; phoneNumberId: string; wabaId: string }, recipients: unknown[]): Promise<string> {
  const template = seedTemplate(env, t.wabaId);
  const created = await platform(env, t.apiKey, 'POST', '/broadcasts', { whatsapp_broadcast: { name: 'Sale', phone_number_id: t.phoneNumberId, whatsapp_template_id: template.id } });
  if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
  const id = created.body.data.id as string;
  for (let i = 0; i < recipients.length; i += 1000) {
    const added = await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/recipients`, { whatsapp_broadcast: { recipients: recipients.slice(i, i + 1000) } });
    if (added.status !== 201) throw new Error(`add: ${JSON.stringify(added.body)}`);
  }
  return id;
}

/** The broadcast as the API shows it. */
export async function broadcastOf(env: GatewayAndSimulator, apiKey: string, id: string): Promise<Record<string, unknown>> {
  return (await platform(env, apiKey, 'GET', `/broadcasts/${id}`)).body.data;
}

/** How many sends the simulated Meta accepted per customer of a number. */
export function acceptedPerCustomer(env: GatewayAndSimulator, phoneNumberId: string): Map<string, number> {
  return new Map(env.sim.state.sends.recipients({ phoneNumberId }).map((r) => [r.waId, r.accepted]));
}
