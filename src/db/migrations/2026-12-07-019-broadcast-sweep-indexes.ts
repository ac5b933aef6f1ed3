import { type Kysely, sql } from 'kysely';

// Frozen once landed. The broadcast worker's once-a-second sweep (docs/broadcasts.md "Never twice")
// looks for recipients whose lease ran out and for sends with an unknown outcome. Both are a
// handful of rows at any time, but without an index of their own each look read every pending
// recipient of the number (`broadcast_recipients_due`): at 100,000 pending, a second of work
// per sweep. Two small partial indexes hold only those rows.
// - `broadcast_recipients_leased`: leased pending recipients by number and lease end.
// - `broadcast_recipients_unknown`: pending recipients whose send has an unknown outcome.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('broadcast_recipients_leased')
    .on('broadcast_recipients')
    .columns(['phone_number_id', 'locked_until'])
    .where((eb: any) => eb.and([eb(sql.ref('locked_by'), 'is not', null), eb(sql.ref('status'), '=', sql.lit('pending'))]))
    .execute();
  await db.schema
    .createIndex('broadcast_recipients_unknown')
    .on('broadcast_recipients')
    .columns(['outcome_unknown_at'])
    .where((eb: any) => eb.and([eb(sql.ref('outcome_unknown_at'), 'is not', null), eb(sql.ref('status'), '=', sql.lit('pending'))]))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('broadcast_recipients_unknown').execute();
  await db.schema.dropIndex('broadcast_recipients_leased').execute();
}
