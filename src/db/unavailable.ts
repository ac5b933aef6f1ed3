/**
 * Whether an error means the store cannot be used right now, rather than that the query or the
 * data is wrong: the database is unreachable, its server ended the session, or (SQLite) the disk
 * is full, failing or locked. Such failures are answered 503 (the caller retries: Meta does, for
 * webhooks) and make the workers wait and try again; anything else stays a 500 for the log.
 * Classified by error code, never by message, except where pg gives no code (its own errors for
 * a lost or timed-out connection).
 */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isUnavailableError(e)) return true;
    // Connecting to every address of a host name fails with one error per address.
    if (e instanceof AggregateError && e.errors.some((inner) => inner instanceof Error && isUnavailableError(inner))) return true;
  }
  return false;
}

/** Network errors of the socket to PostgreSQL (Node's `code`). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (admin shutdown, crash
 * shutdown, cannot connect now: the server is stopping or starting), 53300 (too many connections).
 */
const POSTGRES_STATE = /^(08...|57P0[1-3]|53300)$/;

/**
 * SQLite primary codes (better-sqlite3 names the extended one, e.g. SQLITE_IOERR_WRITE): the disk
 * is full, failing, read-only or locked by another process past the busy timeout.
 */
const SQLITE_CODE = /^SQLITE_(FULL|IOERR|BUSY|CANTOPEN|READONLY)(_|$)/;

/**
 * pg's own errors carry no code: a connection that died under a query ("Connection terminated
 * unexpectedly"), a client whose connection died earlier ("not queryable"), the pool's connection
 * timeout ("timeout exceeded when trying to connect").
 */
const PG_CLIENT_MESSAGE = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection terminated due to connection timeout)/;

function isUnavailableError(e: Error): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || POSTGRES_STATE.test(code) || SQLITE_CODE.test(code)) return true;
  }
  return PG_CLIENT_MESSAGE.test(e.message);
}
