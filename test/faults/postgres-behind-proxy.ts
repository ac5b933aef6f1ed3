import pg from 'pg';
import { inject } from 'vitest';
import { isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/**
 * A test gateway on a PostgreSQL schema of its own, reaching the shared server through a TCP
 * proxy: the test can cut its gateway off, or kill its gateway's backends, and no one else's.
 */
export interface GatewayBehindProxy {
  gw: TestGateway;
  proxy: TcpProxy;
  /** A direct connection (not through the proxy), for the checks and the kills. */
  admin: pg.Client;
  schema: string;
  /** pg_terminate_backend on every backend serving the gateway; returns how many were killed. */
  killGatewayBackends(): Promise<number>;
  /** The wamids stored for a number, read directly. */
  storedWamids(phoneNumberId: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startGatewayBehindProxy(env: Record<string, string> = {}): Promise<GatewayBehindProxy> {
  const direct = new URL(inject('postgresUrl'));
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const url = new URL(isolatedDatabaseUrlFor('postgres', 'faults'));
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const schema = url.searchParams.get('schema') as string;
  const gw = await startGateway('postgres', { DATABASE_URL: url.toString(), WEBHOOK_ALLOW_PRIVATE_URLS: 'true', ...env });
  const admin = new pg.Client({ connectionString: inject('postgresUrl') });
  await admin.connect();
  return {
    gw,
    proxy,
    admin,
    schema,
    async killGatewayBackends() {
      const pids = proxy.backendPids();
      if (pids.length === 0) return 0;
      const { rows } = await admin.query<{ killed: boolean }>('SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
      return rows.filter((r) => r.killed).length;
    },
    async storedWamids(phoneNumberId) {
      const { rows } = await admin.query<{ id: string }>(`SELECT id FROM ${schema}.messages WHERE phone_number_id = $1`, [phoneNumberId]);
      return rows.map((r) => r.id);
    },
    async close() {
      proxy.restore();
      await gw.close();
      await admin.end();
      await proxy.close();
    },
  };
}
