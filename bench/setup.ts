import { randomBytes } from 'node:crypto';
import type { BenchDatabase } from './database.ts';
import type { BusinessNumber } from './payloads.ts';
import { type GatewayEnv, runCli } from './processes.ts';

/** The tenant the bench creates through the gateway's own CLI. */
export interface BenchTenant {
  projectId: string;
  apiKey: string;
  number: BusinessNumber;
  appSecret: string;
}

/** The environment of every gateway process on this database: its URL and a fresh secret. */
export function gatewayEnv(db: BenchDatabase): GatewayEnv {
  return { DATABASE_URL: db.url, SWITCHBOARD_SECRET: randomBytes(24).toString('base64url') };
}

/** `switchboard migrate`, `projects create` and `numbers add`, as an operator would run them. */
export async function createTenant(env: GatewayEnv): Promise<BenchTenant> {
  await runCli(['migrate'], env);
  const created = JSON.parse(await runCli(['projects', 'create', '--name', 'bench', '--json'], env)) as {
    project: { id: string };
    api_key: string;
  };
  const number: BusinessNumber = { phoneNumberId: '106540352242922', displayPhoneNumber: '15550100100', wabaId: '102290129340398' };
  const appSecret = randomBytes(16).toString('hex');
  await runCli(
    [
      'numbers',
      'add',
      '--project',
      created.project.id,
      '--phone-number-id',
      number.phoneNumberId,
      '--display-phone-number',
      number.displayPhoneNumber,
      '--waba-id',
      number.wabaId,
      '--access-token',
      'bench-access-token',
      '--app-secret',
      appSecret,
      '--verify-token',
      'bench-verify-token',
      '--json',
    ],
    env,
  );
  return { projectId: created.project.id, apiKey: created.api_key, number, appSecret };
}
