import { errors } from '../http/errors.ts';
import { type SettingsColumns, settingsColumns, settingsOfRow } from './columns.ts';
import type { WebhookDeps } from './create-webhook.ts';
import { presentWebhook } from './present.ts';
import type { WebhookObject, WebhookUpdateInput } from './schemas.ts';
import { settingsForUpdate } from './settings.ts';
import { holdDeliveriesOfWebhook, releaseDeliveriesOfWebhook } from './held-deliveries-store.ts';
import { updateWebhook, type WebhookPatch } from './store.ts';
import { findTargetWebhook, type WebhookTarget } from './target.ts';
import { secretSlots } from '../crypto/secrets.ts';

/**
 * Applies a partial update to the addressed webhook; null when there is none. The merged settings
 * are checked as a whole, but only the columns that change are written, so two updates of
 * different fields running at once both take effect. `active: true` is always written: it is how
 * a paused webhook is resumed (store.updateWebhook clears the pause).
 */
export async function changeWebhook(deps: WebhookDeps, target: WebhookTarget, input: WebhookUpdateInput): Promise<WebhookObject | null> {
  const { db } = deps.database;
  const row = await findTargetWebhook(db, target);
  if (!row) return null;
  // Clients echo the object back; the scope it names must be the one it has.
  if (input.phone_number_id !== undefined && input.phone_number_id !== row.phone_number_id) {
    throw errors.invalidParameter('phone_number_id', 'A webhook cannot move to another scope; create another webhook instead.');
  }
  const policy = { allowPrivate: deps.config.webhooks.allowPrivateUrls };
  const settings = settingsForUpdate(settingsOfRow(row), input, { phoneNumberId: row.phone_number_id }, policy);
  const patch: WebhookPatch = changedColumns(settingsColumns(settingsOfRow(row)), settingsColumns(settings));
  if (input.active === true) patch.active = 1;
  if (input.secret_key !== undefined) patch.secret_enc = deps.cipher.encrypt(input.secret_key, secretSlots.webhookSecret(row.id));
  const now = deps.clock.now();
  const updated = await db.transaction().execute(async (trx) => {
    const changed = await updateWebhook(trx, target.projectId, target.id, patch, now);
    // Deliveries wait while a subscription is inactive or paused, and go once it is active again.
    if (changed && input.active === true) await releaseDeliveriesOfWebhook(trx, changed.id, now);
    if (changed && input.active === false) await holdDeliveriesOfWebhook(trx, changed.id);
    return changed;
  });
  if (!updated) return null; // deleted in the meantime
  return presentWebhook(updated, input.secret_key ?? deps.cipher.decrypt(updated.secret_enc, secretSlots.webhookSecret(updated.id)));
}

function changedColumns(before: SettingsColumns, after: SettingsColumns): Partial<SettingsColumns> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as Array<keyof SettingsColumns>) {
    if (after[key] !== before[key]) changed[key] = after[key];
  }
  return changed as Partial<SettingsColumns>;
}
