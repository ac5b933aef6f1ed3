import type { TestGateway } from '../helpers/harness.ts';
import type { TestNumber, TestProject } from '../helpers/factories.ts';
import { storeMessages } from '../helpers/history.ts';
import { bytesOf, storeMedia } from '../media/helpers.ts';

export const DAY_S = 86_400;

let fileSeed = Math.floor(Math.random() * 1_000_000);

/** A tenant's history on both sides of a cutoff 30 days before the test clock. */
export interface SeededHistory {
  cutoffMs: number;
  old: string[];
  recent: string[];
  /** Media rows by message: the old one's file alone, and a file an old and a recent message share. */
  media: { oldOwn: string; oldShared: string; recentShared: string };
  keys: { own: string; shared: string };
  /** Bytes of the file only the old message has. */
  ownBytes: number;
}

/**
 * Seeds, through the message write path, for three customers: Maya, whose conversation of 100 days
 * ago ended when she wrote again yesterday; Ravi, who wrote only 100 days ago (his conversation
 * still active: the sweep never ran); Ana, whose one conversation straddles the cutoff. Old
 * outbound messages carry status events; an old and a recent message carry the same file.
 */
export async function seedHistory(gw: TestGateway, t: TestProject & TestNumber): Promise<SeededHistory> {
  const now = Math.floor(gw.clock.now() / 1000);
  const cutoff = now - 30 * DAY_S;
  const tag = t.phoneNumberId;
  const id = (name: string) => `wamid.${tag}.${name}`;
  await storeMessages(gw, t.phoneNumberId, [
    { id: id('maya-old-1'), timestamp: now - 100 * DAY_S, waId: '14155550001' },
    { id: id('maya-old-2'), timestamp: now - 100 * DAY_S + 60, waId: '14155550001', direction: 'outbound' },
    { id: id('ravi-old'), timestamp: now - 100 * DAY_S, waId: '14155550002' },
    { id: id('ana-before'), timestamp: cutoff - 3600, waId: '14155550003', direction: 'outbound' },
  ]);
  await storeMessages(gw, t.phoneNumberId, [
    { id: id('ana-after'), timestamp: cutoff + 3600, waId: '14155550003' },
    { id: id('maya-new'), timestamp: now - DAY_S, waId: '14155550001' },
  ]);
  const { db } = gw.deps.database;
  await db
    .insertInto('message_statuses')
    .values(
      [id('maya-old-2'), id('ana-before')].flatMap((messageId) =>
        ['sent', 'delivered'].map((status, i) => ({ phone_number_id: t.phoneNumberId, message_id: messageId, status, timestamp: now - 100 * DAY_S + i, dedupe_key: `${status}:${i}:`, payload: '{}', received_at: gw.clock.now() })),
      ),
    )
    .execute();
  // Files of this tenant alone: the store is content-addressed, and other tests share it.
  const own = bytesOf(3000, ++fileSeed);
  const shared = bytesOf(2000, ++fileSeed);
  const media = {
    oldOwn: await storeMedia(gw, t, own, { contentType: 'image/jpeg', messageId: id('maya-old-1') }),
    oldShared: await storeMedia(gw, t, shared, { contentType: 'image/jpeg', messageId: id('ravi-old') }),
    recentShared: await storeMedia(gw, t, shared, { contentType: 'image/jpeg', messageId: id('maya-new') }),
  };
  const keyOf = async (mediaId: string) => (await db.selectFrom('media').select('storage_key').where('id', '=', mediaId).executeTakeFirstOrThrow()).storage_key as string;
  return {
    cutoffMs: cutoff * 1000,
    old: [id('maya-old-1'), id('maya-old-2'), id('ravi-old'), id('ana-before')],
    recent: [id('ana-after'), id('maya-new')],
    media,
    keys: { own: await keyOf(media.oldOwn), shared: await keyOf(media.recentShared) },
    ownBytes: own.length,
  };
}

/** Every message id of a number, in id order. */
export async function messageIdsOf(gw: TestGateway, phoneNumberId: string): Promise<string[]> {
  const rows = await gw.deps.database.db.selectFrom('messages').select('id').where('phone_number_id', '=', phoneNumberId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Conversations of a number whose summary names a message that is not stored: there must be none. */
export async function conversationsPointingAtMissingMessages(gw: TestGateway, phoneNumberId: string): Promise<string[]> {
  const rows = await gw.deps.database.db
    .selectFrom('conversations as c')
    .select('c.id')
    .where('c.phone_number_id', '=', phoneNumberId)
    .where('c.last_message_id', 'is not', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('messages as m').select('m.id').whereRef('m.id', '=', 'c.last_message_id').whereRef('m.phone_number_id', '=', 'c.phone_number_id'))))
    .execute();
  return rows.map((r) => r.id);
}

/** Row counts of what hangs off a number's messages, for before/after comparisons. */
export async function historyCounts(gw: TestGateway, phoneNumberId: string) {
  const { db } = gw.deps.database;
  const count = async (table: 'messages' | 'message_statuses' | 'media' | 'conversations' | 'contacts') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('phone_number_id', '=', phoneNumberId).executeTakeFirstOrThrow()).n);
  return { messages: await count('messages'), statuses: await count('message_statuses'), media: await count('media'), conversations: await count('conversations'), contacts: await count('contacts') };
}
