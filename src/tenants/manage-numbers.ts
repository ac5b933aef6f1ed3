import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { appendEvent } from '../events/append-event.ts';
import { hashApiKey } from './keys.ts';
import { noteNumbersChanged } from './number-changes.ts';
import { refreshMessagingLimit } from './messaging-limit-at-meta.ts';
import { checkDisplayNumber, checkMessagingLimit, checkMetaId, checkNonEmpty, checkSendRate, cliFlag, type FieldNamer } from './number-fields.ts';
import { blobStillUsed, deleteMediaBatch, deleteNumberHistory } from './number-history-store.ts';
import { secretSlots } from '../crypto/secrets.ts';
import { deletePhoneNumberRow, findPhoneNumber, markPhoneNumberRemoved, updateLivePhoneNumber } from './store.ts';

type ManageDeps = Pick<Deps, 'database' | 'clock' | 'cipher' | 'blobs'>;
/** Updating may ask Meta for the number's messaging limit. */
type UpdateDeps = ManageDeps & Pick<Deps, 'graph' | 'config'>;

/** What can change on a registered number; absent fields stay as they are. */
export interface PhoneNumberChanges {
  displayPhoneNumber?: string;
  wabaId?: string;
  accessToken?: string;
  appSecret?: string;
  verifyToken?: string;
  /** The send governor's rate for the number, 1–1,000 messages/s; null: back to SEND_DEFAULT_MPS. */
  maxMessagesPerSecond?: number | null;
  /**
   * The messaging limit: a tier, a count or `unlimited` (set by the operator), `meta` (read again
   * from Meta, after the other changes, with the token they leave), or null (unknown: the default).
   */
  messagingLimit?: string | number | null;
}

/**
 * The registered (not removed) number, in `projectId` when given (the Platform API: another
 * project's number is as unknown as none); the CLI, run by the operator, names any project's.
 */
async function liveNumber(deps: ManageDeps, phoneNumberId: string, projectId?: string): Promise<PhoneNumberRow | null> {
  const row = await findPhoneNumber(deps.database.db, phoneNumberId);
  if (!row || row.removed_at !== null) return null;
  if (projectId !== undefined && row.project_id !== projectId) return null;
  return row;
}

/**
 * Replaces a number's token, app secret, verify token, display number or WABA (Meta tokens expire
 * and are rotated), its send rate or messaging limit. Validated as on registration; the change counts at once in this process
 * (number-changes.ts). Returns the updated row, or null for an unknown, removed or foreign number.
 */
export async function updatePhoneNumber(
  deps: UpdateDeps,
  phoneNumberId: string,
  changes: PhoneNumberChanges,
  opts: { projectId?: string; name?: FieldNamer } = {},
): Promise<PhoneNumberRow | null> {
  const name = opts.name ?? cliFlag;
  const set: Parameters<typeof updateLivePhoneNumber>[2] = {};
  if (changes.displayPhoneNumber !== undefined) set.display_phone_number = checkDisplayNumber(changes.displayPhoneNumber, name);
  if (changes.wabaId !== undefined) set.waba_id = checkMetaId(changes.wabaId, 'waba_id', name);
  if (changes.accessToken !== undefined) {
    set.access_token_enc = deps.cipher.encrypt(checkNonEmpty(changes.accessToken, 'access_token', name), secretSlots.accessToken(phoneNumberId));
  }
  if (changes.appSecret !== undefined) {
    set.app_secret_enc = deps.cipher.encrypt(checkNonEmpty(changes.appSecret, 'app_secret', name), secretSlots.appSecret(phoneNumberId));
  }
  if (changes.verifyToken !== undefined) set.verify_token_hash = hashApiKey(checkNonEmpty(changes.verifyToken, 'verify_token', name));
  if (changes.maxMessagesPerSecond !== undefined) set.max_messages_per_second = checkSendRate(changes.maxMessagesPerSecond, name);
  const limit = changes.messagingLimit;
  const fromMeta = limit === 'meta';
  if (limit === null) Object.assign(set, { messaging_limit_tier: null, messaging_limit_source: null });
  else if (limit !== undefined && !fromMeta) Object.assign(set, { messaging_limit_tier: checkMessagingLimit(limit, name), messaging_limit_source: 'operator' });
  if (!(await liveNumber(deps, phoneNumberId, opts.projectId))) return null;
  if (!(await updateLivePhoneNumber(deps.database.db, phoneNumberId, set))) return null;
  noteNumbersChanged();
  const row = (await findPhoneNumber(deps.database.db, phoneNumberId)) ?? null;
  return fromMeta && row ? refreshMessagingLimit(deps, row) : row;
}

export type HistoryChoice = 'kept' | 'deleted';

/**
 * Removes a number. It stops at once: no sends, webhooks or number-scoped reads (a removed number
 * is unknown to every lookup). With its history `kept`, the row stays, marked removed, with its
 * secrets overwritten, so the history stays its project's (readable through the project-wide
 * lists) and the same project can register the number again. With it `deleted`, the number's
 * messages, statuses, contacts, conversations, calls, media (rows and files), events and deliveries are
 * deleted in bounded batches, then the row. Returns false for an unknown, removed or foreign number.
 */
export async function removePhoneNumber(
  deps: ManageDeps,
  phoneNumberId: string,
  history: HistoryChoice,
  opts: { projectId?: string } = {},
): Promise<boolean> {
  const row = await liveNumber(deps, phoneNumberId, opts.projectId);
  if (!row) return false;
  const { db } = deps.database;
  const now = deps.clock.now();
  const blanks = {
    access_token_enc: deps.cipher.encrypt('', secretSlots.accessToken(phoneNumberId)),
    app_secret_enc: deps.cipher.encrypt('', secretSlots.appSecret(phoneNumberId)),
    verify_token_hash: '',
  };
  // Marked removed first in both cases: it stops taking traffic before its history goes.
  const removed = await db.transaction().execute(async (trx) => {
    if (!(await markPhoneNumberRemoved(trx, phoneNumberId, now, blanks))) return false;
    await appendEvent(trx, { type: 'whatsapp.phone_number.deleted', phoneNumberId, projectId: row.project_id }, now);
    return true;
  });
  if (!removed) return false;
  noteNumbersChanged();
  if (history === 'deleted') await deleteHistory(deps, phoneNumberId);
  return true;
}

async function deleteHistory(deps: ManageDeps, phoneNumberId: string): Promise<void> {
  const { db } = deps.database;
  for (let keys = await deleteMediaBatch(db, phoneNumberId); keys !== null; keys = await deleteMediaBatch(db, phoneNumberId)) {
    for (const key of new Set(keys)) if (!(await blobStillUsed(db, key))) await deps.blobs.remove(key);
  }
  await deleteNumberHistory(db, phoneNumberId);
  await deletePhoneNumberRow(db, phoneNumberId);
}
