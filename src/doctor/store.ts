import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** A subscription as doctor checks it: where it delivers, and whose it is (for the fix). */
export interface WebhookTarget {
  id: string;
  projectId: string;
  url: string;
}

/** Every active webhook subscription of every project, oldest first (deliveries go only to these). */
export async function listActiveWebhooks(db: Kysely<DB>): Promise<WebhookTarget[]> {
  const rows = await db.selectFrom('webhooks').select(['id', 'project_id', 'url']).where('active', '=', 1).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, projectId: r.project_id, url: r.url }));
}
