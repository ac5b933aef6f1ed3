import { MediaWorker } from '../../src/media/worker.ts';
import { buildSimulator, type Simulator } from '../../src/simulator/index.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { getMessage, newTenant, type TestNumber, type TestProject } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newStore, pathOf, startMediaGateway, startS3, type StoreKind, type TestS3, type TestStore } from './helpers.ts';

export type Tenant = TestProject & TestNumber;

export const PUBLIC_URL = 'https://gw.example.test';

/**
 * The media loop over HTTP: the simulator as Meta, sending its webhooks to a listening gateway on
 * an isolated database (workers claim across projects), with a blob store of the test's kind and
 * a media worker the test runs by hand (`runOnce`, on the gateway's test clock).
 */
export interface MediaLoop {
  gw: TestGateway;
  sim: Simulator;
  simUrl: string;
  gatewayUrl: string;
  store: TestStore;
  worker: MediaWorker;
  /** A fresh project and number, known to the simulator too. */
  tenant(): Promise<Tenant>;
  /** A customer's media message, delivered to the gateway; returns its wamid. */
  receive(t: Tenant, type: string, content: Record<string, unknown>): Promise<string>;
  /** Uploads a file to the simulator as the number; returns the media id. */
  upload(t: Tenant, bytes: Buffer, type: string, filename?: string): Promise<string>;
  /** Scripts a media file's misbehaviour at the simulator. */
  fault(mediaId: string, body: object): Promise<void>;
  /** GET by id through the history API. */
  message(t: Tenant, wamid: string, fields?: string): Promise<Record<string, unknown> & { kapso: Record<string, unknown> }>;
  /** Fetches a `media_url` from the listening gateway with no headers at all. */
  fetchMedia(url: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** `env.PORT` makes the gateway listen there, so that a PUBLIC_URL on it is reachable. */
export async function startMediaLoop(dialect: TestDialect, storeKind: StoreKind = 'file', s3?: TestS3, env: Record<string, string> = {}): Promise<MediaLoop> {
  const sim = await buildSimulator({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 } });
  const simUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
  const store = newStore(storeKind, s3);
  const gw = await startMediaGateway(dialect, store.store, { META_GRAPH_URL: simUrl, PUBLIC_URL, ...env }, { isolated: true });
  const gatewayUrl = await gw.app.listen({ port: Number(env.PORT ?? 0), host: '127.0.0.1' });
  const worker = new MediaWorker(gw.deps, { random: () => 0.5 });
  return {
    gw,
    sim,
    simUrl,
    gatewayUrl,
    store,
    worker,
    async tenant() {
      const t = await newTenant(gw);
      sim.registerNumber({
        phone_number_id: t.phoneNumberId,
        display_phone_number: t.displayPhoneNumber,
        waba_id: t.wabaId,
        access_token: t.accessToken,
        app_secret: t.appSecret,
        webhook_url: `${gatewayUrl}/webhooks/whatsapp`,
      });
      return t;
    },
    async receive(t, type, content) {
      const { id } = sim.injectInbound({ phone_number_id: t.phoneNumberId, from: '14155550123', profile_name: 'Maya Chen', message: { type, [type]: content } });
      await sim.flush();
      return id;
    },
    async upload(t, bytes, type, filename = 'file.bin') {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', type);
      form.set('file', new Blob([new Uint8Array(bytes)], { type }), filename);
      const res = await fetch(`${simUrl}/v24.0/${t.phoneNumberId}/media`, { method: 'POST', headers: { authorization: `Bearer ${t.accessToken}` }, body: form });
      if (res.status !== 200) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async fault(mediaId, body) {
      const res = await fetch(`${simUrl}/_simulator/media/${mediaId}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`fault answered ${res.status}`);
    },
    async message(t, wamid, fields) {
      const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, fields === undefined ? '' : `?fields=${encodeURIComponent(fields)}`);
      if (res.statusCode !== 200) throw new Error(`GET message answered ${res.statusCode}: ${res.body}`);
      return res.json();
    },
    fetchMedia: (url, headers = {}) => fetch(`${gatewayUrl}${pathOf(url)}`, { headers }),
    async close() {
      await worker.stop(0);
      await sim.close();
      // Once the tests are done, a connection still open (a response body nobody read) must not
      // hold app.close() for the 30 s request timeout.
      gw.app.server.closeAllConnections();
      await gw.close();
    },
  };
}

/** A media loop on SQLite keeping its files in a fresh S3-protocol server (s3rver); close() stops both. */
export async function startS3MediaLoop(): Promise<MediaLoop> {
  const s3 = await startS3();
  const loop = await startMediaLoop('sqlite', 's3', s3);
  return {
    ...loop,
    async close() {
      await loop.close();
      await s3.close();
    },
  };
}
