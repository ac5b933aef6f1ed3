import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once landed. Which WhatsApp Flows a project may act on (kapso-api.md §6.8). Meta
// addresses a flow by its bare id (`POST /{flow_id}/publish`), and Kapso's SDK sends most of
// those calls with no number or WABA beside it, so the gateway remembers, per project, the flows
// it saw come out of one of the project's WABAs: created or listed through the gateway, or
// confirmed by Meta to belong to the WABA the client named. A row grants nothing by itself: each
// call still needs a live number of the project in `waba_id` to take a token from.
// - The key is (project, flow): two projects sharing a WABA each record the flow once.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('flows')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('waba_id', 'text', (c) => c.notNull())
    .addColumn('recorded_at', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('flows_pkey', ['project_id', 'flow_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('flows').execute();
}
