import type { Deps } from '../deps.ts';
import type { MessageRow, StatusRow } from '../db/schema.ts';
import type { FieldSelection } from '../http/fields.ts';
import { loadMessageMedia } from '../messages/load-media.ts';
import { presentMessage } from '../messages/present.ts';
import type { MessageObject } from '../messages/schemas.ts';
import { listStatusesOfMessages } from '../messages/store.ts';

/** Every `kapso` key the history API can give, status history included (`fields=kapso(all)`). */
const EVERY_KAPSO_FIELD: FieldSelection = Object.freeze({ kapso: { kind: 'all' } as const, metaFields: null });

/**
 * Stored messages of one number as the Kapso history API renders them with `kapso(all)`: the
 * inbox shows what the API would return. Statuses and media files are one query each for the lot.
 */
export async function presentKapsoMessages(deps: Pick<Deps, 'database' | 'mediaUrls' | 'clock'>, phoneNumberId: string, rows: readonly MessageRow[]): Promise<MessageObject[]> {
  const { db } = deps.database;
  const statuses = groupByMessage(await listStatusesOfMessages(db, phoneNumberId, rows.map((m) => m.id)));
  const media = await loadMessageMedia(db, deps.mediaUrls, deps.clock.now(), EVERY_KAPSO_FIELD, phoneNumberId, rows);
  return rows.map((m) => presentMessage(m, statuses.get(m.id) ?? [], EVERY_KAPSO_FIELD, media.get(m.id)));
}

function groupByMessage(statuses: readonly StatusRow[]): Map<string, StatusRow[]> {
  const byMessage = new Map<string, StatusRow[]>();
  for (const status of statuses) byMessage.set(status.message_id, [...(byMessage.get(status.message_id) ?? []), status]);
  return byMessage;
}
