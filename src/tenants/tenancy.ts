import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import type { MessagingLimitSource, PhoneNumberRow } from '../db/schema.ts';
import { appendEvent } from '../events/append-event.ts';
import { generateApiKey, hashApiKey } from './keys.ts';
import { findPhoneNumber, findProject, insertApiKey, insertPhoneNumber, insertProject, replaceRemovedPhoneNumber, type ProjectRecord } from './store.ts';
import { checkDisplayNumber, checkMessagingLimit, checkMetaId, checkNonEmpty, cliFlag, type FieldNamer, formatDisplayNumber } from './number-fields.ts';
import { noteNumbersChanged } from './number-changes.ts';
import { secretSlots } from '../crypto/secrets.ts';
import { TenancyError } from './tenancy-error.ts';

type TenancyDeps = Pick<Deps, 'database' | 'clock' | 'cipher'>;

export { TenancyError } from './tenancy-error.ts';

/** Creates a project and its first API key; the key is returned once and never stored in clear. */
export async function createProject(deps: TenancyDeps, name: string): Promise<{ project: ProjectRecord; apiKey: string }> {
  const project: ProjectRecord = { id: randomUUID(), name, created_at: deps.clock.now() };
  const { db } = deps.database;
  const apiKey = await db.transaction().execute(async (trx) => {
    await insertProject(trx, project);
    return issueKey(trx, project.id, deps.clock.now());
  });
  return { project, apiKey };
}

/** Issues another API key for an existing project. */
export async function createApiKey(deps: TenancyDeps, projectId: string): Promise<string> {
  const { db } = deps.database;
  if (!(await findProject(db, projectId))) throw new TenancyError(`no project ${projectId}`);
  return issueKey(db, projectId, deps.clock.now());
}

async function issueKey(db: TenancyDeps['database']['db'], projectId: string, now: number): Promise<string> {
  const key = generateApiKey();
  await insertApiKey(db, { id: randomUUID(), project_id: projectId, prefix: key.prefix, hash: key.hash, created_at: now });
  return key.key;
}

export interface NewPhoneNumber {
  projectId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  /** Graph origin for this number when it is not META_GRAPH_URL (the sandbox's simulator). */
  graphUrl?: string;
  isSandbox?: boolean;
  /** The messaging limit as the operator gives it (a tier, a count, `unlimited`); absent: read from Meta after adding. */
  messagingLimit?: string | number;
}

/** The public view of a phone number: never its secrets. */
export interface PhoneNumberView {
  id: string;
  project_id: string;
  /** E.164 with its `+`, as the sandbox banner and the Platform API print it. */
  display_phone_number: string;
  waba_id: string;
  /** The send governor's rate for the number; null: SEND_DEFAULT_MPS. */
  max_messages_per_second: number | null;
  /** Meta's messaging-limit tier (`TIER_250` … `TIER_UNLIMITED`); null: unknown, SEND_DEFAULT_MESSAGING_LIMIT. */
  messaging_limit_tier: string | null;
  /** `meta` (read from the number's fields at Meta) or `operator`; null while unknown. */
  messaging_limit_source: MessagingLimitSource | null;
  created_at: string;
}

/**
 * Registers a Meta phone number with its secrets encrypted at rest. Ids must be Meta's numeric
 * ids and the display number E.164 (number-fields.ts). A number removed with its history kept
 * can be registered again by the project that had it, which finds its history again; another
 * project cannot take it until it is removed with its history deleted (the kept history is the
 * first project's).
 */
export async function addPhoneNumber(deps: TenancyDeps, input: NewPhoneNumber, name: FieldNamer = cliFlag): Promise<PhoneNumberView> {
  const { db } = deps.database;
  if (!(await findProject(db, input.projectId))) throw new TenancyError(`no project ${input.projectId}`);
  checkMetaId(input.phoneNumberId, 'phone_number_id', name);
  checkMetaId(input.wabaId, 'waba_id', name);
  const display = checkDisplayNumber(input.displayPhoneNumber, name);
  checkNonEmpty(input.accessToken, 'access_token', name);
  checkNonEmpty(input.appSecret, 'app_secret', name);
  checkNonEmpty(input.verifyToken, 'verify_token', name);
  const tier = input.messagingLimit === undefined ? null : checkMessagingLimit(input.messagingLimit, name);
  const existing = await findPhoneNumber(db, input.phoneNumberId);
  if (existing && existing.removed_at === null) throw new TenancyError(`phone number ${input.phoneNumberId} is already registered`);
  if (existing && existing.project_id !== input.projectId) {
    throw new TenancyError(
      `phone number ${input.phoneNumberId} was removed from another project with its history kept; remove it there with --delete-history before registering it here`,
    );
  }
  const row: PhoneNumberRow = {
    id: input.phoneNumberId,
    project_id: input.projectId,
    display_phone_number: display,
    waba_id: input.wabaId,
    access_token_enc: deps.cipher.encrypt(input.accessToken, secretSlots.accessToken(input.phoneNumberId)),
    app_secret_enc: deps.cipher.encrypt(input.appSecret, secretSlots.appSecret(input.phoneNumberId)),
    verify_token_hash: hashApiKey(input.verifyToken),
    created_at: deps.clock.now(),
    graph_url: input.graphUrl ?? null,
    is_sandbox: input.isSandbox ? 1 : 0,
    removed_at: null,
    max_messages_per_second: null,
    messaging_limit_tier: tier,
    messaging_limit_source: tier === null ? null : 'operator',
  };
  // Project webhooks hear of it (kapso-api.md §8.2 `whatsapp.phone_number.created`).
  await db.transaction().execute(async (trx) => {
    if (existing) await replaceRemovedPhoneNumber(trx, row);
    else await insertPhoneNumber(trx, row);
    await appendEvent(trx, { type: 'whatsapp.phone_number.created', phoneNumberId: row.id, projectId: row.project_id }, row.created_at);
  });
  noteNumbersChanged();
  return presentPhoneNumber(row);
}

/** Renders a stored phone number without its secrets. */
export function presentPhoneNumber(row: PhoneNumberRow): PhoneNumberView {
  return {
    id: row.id,
    project_id: row.project_id,
    display_phone_number: formatDisplayNumber(row.display_phone_number),
    waba_id: row.waba_id,
    max_messages_per_second: row.max_messages_per_second,
    messaging_limit_tier: row.messaging_limit_tier,
    messaging_limit_source: row.messaging_limit_source,
    created_at: new Date(row.created_at).toISOString(),
  };
}
