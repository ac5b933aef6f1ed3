import { randomBytes, randomInt } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { findProject, findProjectPhoneNumber } from '../tenants/store.ts';
import { addPhoneNumber, createProject } from '../tenants/tenancy.ts';
import { findSandbox, hasRealNumberOutside, hasRealPhoneNumbers, insertSandbox } from './store.ts';
import { secretSlots } from '../crypto/secrets.ts';
import { formatDisplayNumber } from '../tenants/number-fields.ts';

/** What a newcomer needs to use the sandbox (design.md: `switchboard sandbox --json`). */
export interface SandboxDetails {
  project: { id: string; name: string };
  api_key: string;
  phone_number: { id: string; display_phone_number: string; waba_id: string };
  customer_wa_id: string;
  /** A second customer, who adopted a username and hides their phone: reached by `recipient`. */
  username_customer: { business_scoped_user_id: string; username: string };
}

/** The simulated customer who has written to the sandbox number. */
export const SANDBOX_CUSTOMER = { waId: '15550009876', name: 'Sandbox Customer' };

/**
 * The sandbox's customer with a username (meta-cloud-api.md §1.5): their webhooks carry an empty
 * wa_id and their BSUID, and sends reach them by `recipient`. The phone is the simulator's own
 * key for them; the gateway never sees it.
 */
export const SANDBOX_USERNAME_CUSTOMER = { waId: '15550009877', bsuid: 'US.5E1F0A7C3B9D4E2F8A6C1B0D9E7F3A5C', username: 'sandbox.customer', name: 'Sandbox Username Customer' };

type SandboxDeps = Pick<Deps, 'database' | 'clock' | 'cipher'>;

/**
 * The sandbox's details, creating it first when there is none and no real number is configured
 * (with real numbers, no sandbox is created and this returns null). A retired sandbox (a real
 * number exists in another project, see retire.ts) also gives null: its key is not handed out.
 */
export async function ensureSandbox(deps: SandboxDeps, opts: { create: boolean }): Promise<SandboxDetails | null> {
  const { db } = deps.database;
  const existing = await findSandbox(db);
  if (existing) return (await hasRealNumberOutside(db, existing.project_id)) ? null : detailsOf(deps, existing);
  if (!opts.create || (await hasRealPhoneNumbers(db))) return null;

  const { project, apiKey } = await createProject(deps, 'sandbox');
  const phoneNumberId = `1${randomInt(10_000_000, 99_999_999)}${randomInt(100_000, 999_999)}`;
  await addPhoneNumber(deps, {
    projectId: project.id,
    phoneNumberId,
    displayPhoneNumber: `+1555${randomInt(1_000_000, 9_999_999)}`,
    wabaId: `2${randomInt(10_000_000, 99_999_999)}${randomInt(100_000, 999_999)}`,
    accessToken: `sandbox-${randomBytes(16).toString('base64url')}`,
    appSecret: randomBytes(24).toString('base64url'),
    verifyToken: randomBytes(12).toString('base64url'),
    isSandbox: true,
  });
  await insertSandbox(db, {
    project_id: project.id,
    phone_number_id: phoneNumberId,
    api_key_enc: deps.cipher.encrypt(apiKey, secretSlots.sandboxApiKey(project.id)),
    customer_wa_id: SANDBOX_CUSTOMER.waId,
    created_at: deps.clock.now(),
  });
  return ensureSandbox(deps, { create: false });
}

async function detailsOf(deps: SandboxDeps, row: { project_id: string; phone_number_id: string; api_key_enc: string; customer_wa_id: string }): Promise<SandboxDetails> {
  const { db } = deps.database;
  const project = await findProject(db, row.project_id);
  const number = await findProjectPhoneNumber(db, row.project_id, row.phone_number_id);
  if (!project || !number) throw new Error('the sandbox record points at a missing project or number');
  return {
    project: { id: project.id, name: project.name },
    api_key: deps.cipher.decrypt(row.api_key_enc, secretSlots.sandboxApiKey(row.project_id)),
    phone_number: { id: number.id, display_phone_number: formatDisplayNumber(number.display_phone_number), waba_id: number.waba_id },
    customer_wa_id: row.customer_wa_id,
    username_customer: { business_scoped_user_id: SANDBOX_USERNAME_CUSTOMER.bsuid, username: SANDBOX_USERNAME_CUSTOMER.username },
  };
}
