import type { Kysely } from 'kysely';

// Frozen once landed. The send budget every process shares on PostgreSQL becomes a window
// (src/pacing/send-window.ts): beside its spreading and its rate factor, the row keeps the sends
// on their way (their grant times) and when the sends of the last second were answered, as JSON
// arrays of epoch milliseconds (at most the number's rate of each, 1,000 at the highest level).
// A row written by the earlier bucket reads as a window with nothing on its way.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('send_budgets').addColumn('on_their_way', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('send_budgets').addColumn('answered', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('send_budgets').dropColumn('answered').execute();
  await db.schema.alterTable('send_budgets').dropColumn('on_their_way').execute();
}
