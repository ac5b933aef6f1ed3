import { randomBytes, randomUUID } from 'node:crypto';
import type { NewWebhook } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import { settingsColumns } from './columns.ts';
import { presentWebhook } from './present.ts';
import type { WebhookCreateInput, WebhookObject } from './schemas.ts';
import { settingsForCreate } from './settings.ts';
import { findMetaWebhookForNumber, insertWebhook, lockPhoneNumberForWebhooks } from './store.ts';
import { secretSlots } from '../crypto/secrets.ts';

export type WebhookDeps = Pick<Deps, 'database' | 'cipher' | 'clock' | 'config'>;

/** A signing secret for a webhook created without one: 32 random bytes, hex. */
export function generateWebhookSecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Creates a subscription of the project, scoped to one of its phone numbers or to the project
 * (the caller has checked the number is the project's). The secret is stored encrypted, since
 * every answer shows it (§8.7), and is returned in clear only in the answer.
 */
export async function createWebhook(
  deps: WebhookDeps,
  projectId: string,
  phoneNumberId: string | null,
  input: WebhookCreateInput,
): Promise<WebhookObject> {
  const settings = settingsForCreate(input, { phoneNumberId }, { allowPrivate: deps.config.webhooks.allowPrivateUrls });
  const secret = input.secret_key ?? generateWebhookSecret();
  const now = deps.clock.now();
  const id = randomUUID();
  const row = {
    id,
    project_id: projectId,
    phone_number_id: phoneNumberId,
    ...settingsColumns(settings),
    secret_enc: deps.cipher.encrypt(secret, secretSlots.webhookSecret(id)),
    consecutive_failures: 0,
    failing_since: null,
    paused_at: null,
    created_at: now,
    updated_at: now,
  } satisfies NewWebhook;
  const { db } = deps.database;
  if (settings.kind === 'meta' && phoneNumberId !== null) {
    await db.transaction().execute(async (trx) => {
      await lockPhoneNumberForWebhooks(trx, phoneNumberId);
      const existing = await findMetaWebhookForNumber(trx, phoneNumberId);
      if (existing) {
        throw errors.conflict(`Phone number ${phoneNumberId} already has a 'meta' webhook (${existing.id}); a number can have only one.`);
      }
      await insertWebhook(trx, row);
    });
  } else {
    await insertWebhook(db, row);
  }
  return presentWebhook(row, secret);
}
