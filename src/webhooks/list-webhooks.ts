import type { WebhookDeps } from './create-webhook.ts';
import { presentWebhook } from './present.ts';
import type { WebhookObject } from './schemas.ts';
import { countWebhooks, listWebhooksPage, type WebhookFilters } from './store.ts';
import { secretSlots } from '../crypto/secrets.ts';

/** The list query of §8.7, as the schema parsed it. */
export interface WebhookListQuery {
  url_contains?: string | undefined;
  active?: boolean | undefined;
  created_after?: number | undefined;
  created_before?: number | undefined;
  page: number;
  per_page: number;
}

export interface WebhookPage {
  data: WebhookObject[];
  meta: { page: number; per_page: number; total_pages: number; total_count: number };
}

/** One page of the project's webhooks (optionally one number's), in Platform list shape. */
export async function listWebhooks(deps: WebhookDeps, projectId: string, query: WebhookListQuery, phoneNumberId?: string): Promise<WebhookPage> {
  const { db } = deps.database;
  const filters: WebhookFilters = {
    ...(phoneNumberId !== undefined && { phoneNumberId }),
    ...(query.url_contains !== undefined && { urlContains: query.url_contains }),
    ...(query.active !== undefined && { active: query.active }),
    ...(query.created_after !== undefined && { createdAfterMs: query.created_after }),
    ...(query.created_before !== undefined && { createdBeforeMs: query.created_before }),
  };
  const { page, per_page: perPage } = query;
  const total = await countWebhooks(db, projectId, filters);
  const rows = total > (page - 1) * perPage ? await listWebhooksPage(db, projectId, filters, (page - 1) * perPage, perPage) : [];
  return {
    data: rows.map((row) => presentWebhook(row, deps.cipher.decrypt(row.secret_enc, secretSlots.webhookSecret(row.id)))),
    meta: { page, per_page: perPage, total_pages: Math.ceil(total / perPage), total_count: total },
  };
}
