import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, openWindow, startSimulator } from './helpers.ts';

/** Kapso's SDK talks to the simulator as it would to graph.facebook.com. */
describe('@kapso/whatsapp-cloud-api against the simulator', () => {
  let sim: Simulator;
  let client: WhatsAppClient;
  beforeAll(async () => {
    sim = await startSimulator();
    const baseUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
    client = new WhatsAppClient({ baseUrl, accessToken: NUMBER.access_token, graphVersion: 'v24.0' });
    openWindow(sim);
  });
  afterAll(() => sim.close());

  it('sends a text and gets a wamid back', async () => {
    const res = await client.messages.sendText({ phoneNumberId: NUMBER.phone_number_id, to: CUSTOMER, body: 'Hello from the SDK' });
    expect(res.messages[0]?.id).toMatch(/^wamid\./);
  });

  it('uploads, reads and downloads media, then deletes it', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const uploaded = await client.media.upload({ phoneNumberId: NUMBER.phone_number_id, type: 'image/jpeg', file: new Blob([bytes], { type: 'image/jpeg' }), fileName: 'a.jpg' });
    const meta = await client.media.get({ mediaId: uploaded.id });
    expect(meta).toMatchObject({ id: uploaded.id, mimeType: 'image/jpeg', fileSize: '4' });
    const downloaded = await client.media.download({ mediaId: uploaded.id, auth: 'always' });
    expect(new Uint8Array(downloaded as ArrayBuffer)).toEqual(bytes);
    expect(await client.media.delete({ mediaId: uploaded.id })).toMatchObject({ success: true });
  });

  it('lists templates', async () => {
    const page = await client.templates.list({ businessAccountId: NUMBER.waba_id });
    expect(page.data.map((t: { name: string }) => t.name)).toContain('hello_world');
  });

  it("surfaces Meta's error envelope as a GraphApiError", async () => {
    const error = await client.messages.sendText({ phoneNumberId: NUMBER.phone_number_id, to: CUSTOMER, body: 'x'.repeat(4097) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).code).toBe(100);
  });
});
