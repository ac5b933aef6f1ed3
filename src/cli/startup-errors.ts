import { DEFAULT_DATABASE_URL } from '../config.ts';
import { locateStore } from '../db/store-location.ts';

/** What a failed start says: the fields Node, pg and better-sqlite3 put on their errors. */
interface StartupFault {
  code?: string;
  syscall?: string;
  path?: string;
  port?: number;
  address?: string;
  hostname?: string;
  message: string;
}

/**
 * One line for a start-up failure an operator causes and can fix (a port in use,
 * PostgreSQL down or its database missing, a bad HOST, a read-only data folder): what is wrong
 * and what to do. Null for anything else, which keeps its stack: that is a bug to report.
 */
export function explainStartupFailure(err: unknown, env: Record<string, string | undefined>): string | null {
  if (!(err instanceof Error)) return null;
  const fault = err as Error & StartupFault;
  const port = env.PORT ?? '3000';
  const host = env.HOST ?? '127.0.0.1';
  const store = storeOf(env);
  switch (fault.code) {
    case 'EADDRINUSE':
      return `port ${fault.port ?? port} on ${fault.address ?? host} is already in use (another switchboard or another program listens there); stop it or set PORT to a free port`;
    case 'EADDRNOTAVAIL':
      return `HOST ${fault.address ?? host} is not an address of this machine; set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for all)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      if (fault.hostname === host) return `HOST ${host} does not resolve to an address of this machine; set HOST to an address (127.0.0.1, or 0.0.0.0 for all)`;
      return `the database host ${fault.hostname ?? ''} does not resolve (${store}); fix DATABASE_URL`;
    case 'ECONNREFUSED':
      return `cannot reach PostgreSQL at ${store} (connection refused); start PostgreSQL or fix DATABASE_URL`;
    case '3D000':
      return `${fault.message} (${store}); create it (createdb, or CREATE DATABASE) or fix DATABASE_URL`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the login (${fault.message}); fix the user or password in DATABASE_URL`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      if (fault.syscall === 'listen' || fault.syscall === 'bind') return `not allowed to listen on port ${fault.port ?? port}; use a port above 1023 or one this user may bind`;
      return `cannot write ${fault.path ?? 'the data folder'} (${fault.code === 'EROFS' ? 'read-only file system' : 'permission denied'}); make the data folder writable by this user or point DATABASE_URL elsewhere`;
  }
  if (fault.code?.startsWith('SQLITE_READONLY') || fault.code === 'SQLITE_CANTOPEN') {
    return `cannot write the SQLite database ${store} (${fault.code}); make its folder writable by this user or point DATABASE_URL elsewhere`;
  }
  if (/connection timeout|timeout expired/i.test(fault.message) && store.startsWith('postgres')) {
    return `PostgreSQL at ${store} did not answer in time; check that it runs and is reachable, or fix DATABASE_URL`;
  }
  return null;
}

function storeOf(env: Record<string, string | undefined>): string {
  try {
    return locateStore(env.DATABASE_URL || DEFAULT_DATABASE_URL).description;
  } catch {
    return 'DATABASE_URL';
  }
}
