import { randomInt, randomUUID } from 'node:crypto';
import { addPhoneNumber } from '../../src/tenants/tenancy.ts';
import { newProject, type TestNumber, type TestProject } from './factories.ts';
import type { GatewayAndSimulator } from './with-simulator.ts';

/**
 * A fresh project whose number (in a WABA of its own) calls Meta with another tenant's token, as
 * when one system-user token serves several WABAs: that token can read the other WABA's flows and
 * templates at Meta, so only the gateway's own checks keep the projects apart.
 */
export async function newTenantSharingToken(env: GatewayAndSimulator, accessToken: string): Promise<TestProject & TestNumber> {
  const project = await newProject(env.gw);
  const n: TestNumber = {
    phoneNumberId: `${randomInt(100_000, 999_999)}${randomInt(100_000_000, 999_999_999)}`,
    wabaId: `${randomInt(100_000, 999_999)}${randomInt(100_000_000, 999_999_999)}`,
    appSecret: `secret-${randomUUID()}`,
    verifyToken: `verify-${randomUUID()}`,
    accessToken,
    displayPhoneNumber: `1555${randomInt(1_000_000, 9_999_999)}`,
  };
  await addPhoneNumber(env.gw.deps, { projectId: project.projectId, ...n });
  env.sim.registerNumber({ phone_number_id: n.phoneNumberId, display_phone_number: n.displayPhoneNumber, waba_id: n.wabaId, access_token: accessToken, app_secret: n.appSecret });
  return { ...project, ...n };
}
