import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeOutboundText } from '../helpers/outbound.ts';
import { statusesWebhook, statusItem } from '../helpers/webhooks.ts';

const FAILED_ERRORS = [
  {
    code: 131026,
    title: 'Message undeliverable',
    message: 'Message undeliverable',
    error_data: { details: 'Unable to deliver message.' },
  },
];

function statusWebhook(phoneNumberId: string, wamid: string, status: string, timestamp: number, errors?: unknown[]): string {
  return statusesWebhook(phoneNumberId, [statusItem(wamid, status, timestamp, errors)]);
}

describe.each(dialects)('delivery statuses (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const storeOutbound = (phoneNumberId: string, wamid: string) => storeOutboundText(gw, phoneNumberId, wamid);

  async function statusOf(t: { apiKey: string; phoneNumberId: string }, wamid: string) {
    const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso(status,statuses)');
    expect(res.statusCode).toBe(200);
    return res.json().kapso as { status: string; statuses?: Array<{ status: string; errors?: unknown[] }> };
  }

  async function send(t: { appSecret: string; phoneNumberId: string }, wamid: string, status: string, ts: number, errors?: unknown[]) {
    const res = await postWebhook(gw, statusWebhook(t.phoneNumberId, wamid, status, ts, errors), t.appSecret);
    expect(res.statusCode).toBe(200);
  }

  it('moves an outbound message from pending through sent and delivered to read', async () => {
    const t = await newTenant(gw);
    await storeOutbound(t.phoneNumberId, 'wamid.OUT1');
    expect((await statusOf(t, 'wamid.OUT1')).status).toBe('pending');
    await send(t, 'wamid.OUT1', 'sent', 1767268801);
    expect((await statusOf(t, 'wamid.OUT1')).status).toBe('sent');
    await send(t, 'wamid.OUT1', 'delivered', 1767268802);
    await send(t, 'wamid.OUT1', 'read', 1767268803);
    const k = await statusOf(t, 'wamid.OUT1');
    expect(k.status).toBe('read');
    expect(k.statuses?.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('keeps a late delivered status in history without applying it after read', async () => {
    const t = await newTenant(gw);
    await storeOutbound(t.phoneNumberId, 'wamid.OUT2');
    await send(t, 'wamid.OUT2', 'read', 1767268805);
    await send(t, 'wamid.OUT2', 'delivered', 1767268803);
    const k = await statusOf(t, 'wamid.OUT2');
    expect(k.status).toBe('read');
    expect(k.statuses?.map((s) => s.status)).toEqual(['delivered', 'read']);
  });

  it('keeps delivered when a failed arrives after it, with the failure and its errors in history', async () => {
    const t = await newTenant(gw);
    await storeOutbound(t.phoneNumberId, 'wamid.OUT3');
    await send(t, 'wamid.OUT3', 'delivered', 1767268802);
    await send(t, 'wamid.OUT3', 'failed', 1767268803, FAILED_ERRORS);
    const k = await statusOf(t, 'wamid.OUT3');
    expect(k.status).toBe('delivered');
    expect(k.statuses?.at(-1)).toMatchObject({ status: 'failed', errors: FAILED_ERRORS });
  });

  it('marks a sent message failed and never moves it again', async () => {
    const t = await newTenant(gw);
    await storeOutbound(t.phoneNumberId, 'wamid.OUT4');
    await send(t, 'wamid.OUT4', 'sent', 1767268801);
    await send(t, 'wamid.OUT4', 'failed', 1767268802, FAILED_ERRORS);
    await send(t, 'wamid.OUT4', 'read', 1767268803);
    expect((await statusOf(t, 'wamid.OUT4')).status).toBe('failed');
  });

  it('keeps a status that arrives before its message and applies it when the message is stored', async () => {
    const t = await newTenant(gw);
    await send(t, 'wamid.OUT5', 'sent', 1767268801);
    await send(t, 'wamid.OUT5', 'delivered', 1767268802);
    await storeOutbound(t.phoneNumberId, 'wamid.OUT5');
    const k = await statusOf(t, 'wamid.OUT5');
    expect(k.status).toBe('delivered');
    expect(k.statuses?.map((s) => s.status)).toEqual(['sent', 'delivered']);
  });

  it('records a status delivered twice only once', async () => {
    const t = await newTenant(gw);
    await storeOutbound(t.phoneNumberId, 'wamid.OUT6');
    await send(t, 'wamid.OUT6', 'delivered', 1767268802);
    await send(t, 'wamid.OUT6', 'delivered', 1767268802);
    expect((await statusOf(t, 'wamid.OUT6')).statuses).toHaveLength(1);
  });

  it('applies statuses of an out-of-order batch as the highest one reached', async () => {
    const t = await newTenant(gw);
    await storeOutbound(t.phoneNumberId, 'wamid.OUT7');
    const body = JSON.parse(statusWebhook(t.phoneNumberId, 'wamid.OUT7', 'read', 1767268803));
    const statuses = body.entry[0].changes[0].value.statuses;
    statuses.push({ ...statuses[0], status: 'sent', timestamp: '1767268801' }, { ...statuses[0], status: 'delivered', timestamp: '1767268802' });
    await postWebhook(gw, JSON.stringify(body), t.appSecret);
    const k = await statusOf(t, 'wamid.OUT7');
    expect(k.status).toBe('read');
    expect(k.statuses?.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });
});
