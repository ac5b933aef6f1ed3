import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { errors } from './errors.ts';

/** `/healthz` (the process answers) and `/readyz` (the database answers too). */
export async function healthRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async () => {
    try {
      await sql`select 1`.execute(deps.database.db);
    } catch (err) {
      app.log.warn({ err }, 'database not reachable');
      throw errors.serviceUnavailable('The database is not reachable.');
    }
    return { status: 'ready', database: deps.database.dialect };
  });
}
