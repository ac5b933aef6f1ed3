import pg from 'pg';
import { inject } from 'vitest';

/** The test PostgreSQL server's own autovacuum setting (`on`, `off`): CI servers often run with it off. */
export async function serverAutovacuum(): Promise<string> {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    return (await client.query<{ autovacuum: string }>('show autovacuum')).rows[0]?.autovacuum ?? 'unknown';
  } finally {
    await client.end();
  }
}
