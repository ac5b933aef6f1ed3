import type { Config } from '../config.ts';
import { type CursorCodec, createCursorCodec, deriveCursorKey } from '../http/cursor.ts';
import { resolveSecret } from '../tenants/secrets.ts';

/**
 * The codec every history list signs its cursors with, keyed from the gateway secret resolved
 * exactly as createDeps resolves it for the cipher. Every process sharing a database shares that
 * secret (SWITCHBOARD_SECRET is required on PostgreSQL), so a cursor one process issued verifies
 * on any other behind the same load balancer.
 */
export function historyCursorCodec(config: Config): CursorCodec {
  const secret = resolveSecret({ configured: config.secret, dataDir: config.db.dataDir, embedded: config.db.url.startsWith('sqlite:') });
  return createCursorCodec(deriveCursorKey(secret));
}
