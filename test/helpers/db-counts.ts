import type { TestGateway } from './harness.ts';

/** Row counts of what ingest stored for one phone number: the evidence "stored once" rests on. */
export async function storedCounts(gw: TestGateway, phoneNumberId: string) {
  const { db } = gw.deps.database;
  const count = async (table: 'messages' | 'conversations' | 'contacts' | 'message_statuses') => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_number_id', '=', phoneNumberId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    messages: await count('messages'),
    conversations: await count('conversations'),
    contacts: await count('contacts'),
    statuses: await count('message_statuses'),
  };
}
