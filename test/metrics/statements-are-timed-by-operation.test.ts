import { describe, expect, it } from 'vitest';
import { operationOf } from '../../src/metrics/query-observer.ts';
import { PREPARE_MARK } from '../../src/db/prepared-statements.ts';

describe('the operation label of a timed statement', () => {
  it.each([
    ['select "id" from "messages" where "id" = ?', 'select'],
    [`${PREPARE_MARK}SELECT id FROM messages WHERE id = $1`, 'select'],
    ['\n    insert into messages (id) values (?)', 'insert'],
    ['update "deliveries" set "status" = $1', 'update'],
    ['delete from idempotency_keys where created_at < ?', 'delete'],
    ['with claimed as (select 1) update deliveries set status = 1', 'other'],
    ['begin', 'other'],
    ['', 'other'],
  ])('labels %j as %s', (sql, operation) => {
    expect(operationOf(sql)).toBe(operation);
  });
});
