import { buildSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.ts';
import type { TestDialect } from './dialects.ts';
import { newPhoneNumber, newProject, type TestNumber, type TestProject } from './factories.ts';
import { startGateway, type TestGateway } from './harness.ts';

export interface GatewayAndSimulator {
  gw: TestGateway;
  sim: Simulator;
  /** The gateway's origin (listening on loopback). */
  gatewayUrl: string;
  /** The simulator's origin: the gateway's META_GRAPH_URL. */
  simulatorUrl: string;
  /** A fresh project with a number known to both sides, as Meta and the gateway would know it. */
  newTenant(): Promise<TestProject & TestNumber>;
  close(): Promise<void>;
}

/**
 * A listening gateway whose Graph API is a listening simulator, whose webhooks come back to the
 * gateway: the whole loop over HTTP, as production runs it with Meta. Tests that run workers ask
 * for an `isolated` database (see startGateway).
 */
export async function startGatewayWithSimulator(
  dialect: TestDialect,
  simOptions: SimulatorOptions = {},
  env: Record<string, string> = {},
  opts: { isolated?: boolean } = {},
): Promise<GatewayAndSimulator> {
  const sim = await buildSimulator({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 }, ...simOptions });
  const simulatorUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
  const gw = await startGateway(dialect, { META_GRAPH_URL: simulatorUrl, ...env }, opts);
  const gatewayUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    gw,
    sim,
    gatewayUrl,
    simulatorUrl,
    newTenant: () => newTenantOnBothSides(gw, sim, gatewayUrl),
    async close() {
      await sim.close();
      await gw.close();
    },
  };
}

/**
 * A fresh project with a number the gateway stores and the simulator knows as Meta would (same
 * ids, token and app secret), whose webhooks the simulator sends to `gatewayUrl`.
 */
export async function newTenantOnBothSides(gw: TestGateway, sim: Simulator, gatewayUrl: string, projectName?: string): Promise<TestProject & TestNumber> {
  const project = await newProject(gw, projectName);
  const n = await newPhoneNumber(gw, project.projectId);
  sim.registerNumber({
    phone_number_id: n.phoneNumberId,
    display_phone_number: n.displayPhoneNumber,
    waba_id: n.wabaId,
    access_token: n.accessToken,
    app_secret: n.appSecret,
    webhook_url: `${gatewayUrl}/webhooks/whatsapp`,
  });
  return { ...project, ...n };
}
