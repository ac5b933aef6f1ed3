import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from '../../src/db/unavailable.ts';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function pgError(code: string, severity = 'ERROR'): pg.DatabaseError {
  const err = new pg.DatabaseError('from the server', 0, 'error');
  err.code = code;
  err.severity = severity;
  return err;
}

describe('store-unavailable errors are told from bugs', () => {
  it.each([
    ['ECONNREFUSED (PostgreSQL down)', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['ECONNRESET (connection cut)', withCode('read ECONNRESET', 'ECONNRESET')],
    ['ETIMEDOUT', withCode('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['57P01 admin shutdown (pg_terminate_backend)', pgError('57P01', 'FATAL')],
    ['57P02 crash shutdown', pgError('57P02', 'FATAL')],
    ['57P03 cannot connect now (starting up)', pgError('57P03', 'FATAL')],
    ['08006 connection failure', pgError('08006')],
    ['08003 connection does not exist', pgError('08003')],
    ['53300 too many connections', pgError('53300', 'FATAL')],
    ['pg: connection terminated under a query', new Error('Connection terminated unexpectedly')],
    ['pg: client no longer queryable', new Error('Client has encountered a connection error and is not queryable')],
    ['pg pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['SQLITE_FULL', withCode('database or disk is full', 'SQLITE_FULL')],
    ['SQLITE_IOERR_WRITE', withCode('disk I/O error', 'SQLITE_IOERR_WRITE')],
    ['SQLITE_IOERR', withCode('disk I/O error', 'SQLITE_IOERR')],
    ['SQLITE_BUSY', withCode('database is locked', 'SQLITE_BUSY')],
    ['SQLITE_BUSY_SNAPSHOT', withCode('database is locked', 'SQLITE_BUSY_SNAPSHOT')],
    ['SQLITE_CANTOPEN', withCode('unable to open database file', 'SQLITE_CANTOPEN')],
    ['SQLITE_READONLY', withCode('attempt to write a readonly database', 'SQLITE_READONLY')],
    ['a cause that is one', new Error('wrapped', { cause: withCode('read ECONNRESET', 'ECONNRESET') })],
    ['every address refused', Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed'))],
  ])('counts %s as the store being unavailable', (_name, err) => {
    expect(isStoreUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['invalid input syntax (22P02)', pgError('22P02')],
    ['a deadlock (40P01): a bug in lock order, not an outage', pgError('40P01')],
    ['SQLITE_CONSTRAINT_UNIQUE', withCode('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['SQLITE_ERROR', withCode('no such table: x', 'SQLITE_ERROR')],
    ['SQLITE_TOOBIG', withCode('string or blob too big', 'SQLITE_TOOBIG')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a message that merely mentions a connection', new Error('Connection of the webhook failed')],
    ['not an error at all', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('counts %s as a failure of its own', (_name, err) => {
    expect(isStoreUnavailable(err)).toBe(false);
  });
});
