import type { QueryObserver } from '../db/query-timing.ts';
import type { FastHistogram, HistogramSeries } from './fast-histogram.ts';

const OPERATIONS = ['select', 'insert', 'update', 'delete', 'other'] as const;
type Operation = (typeof OPERATIONS)[number];

/**
 * The query histogram's observer for one dialect. Every statement passes through it, so it does
 * no label handling per call: one series per operation is made up front.
 */
export function observeQueries(histogram: FastHistogram, dialect: string): QueryObserver {
  const children = {} as Record<Operation, HistogramSeries>;
  for (const op of OPERATIONS) children[op] = histogram.series({ dialect, operation: op });
  return (sql, durationMs) => children[operationOf(sql)].observe(durationMs / 1000);
}

/** The statement's first keyword (after a leading comment such as the prepared-statement mark). */
export function operationOf(sql: string): Operation {
  let i = sql.startsWith('/*') ? sql.indexOf('*/') + 2 : 0;
  while (i < sql.length && sql.charCodeAt(i) <= 32) i++;
  switch (sql.slice(i, i + 6).toLowerCase()) {
    case 'select':
      return 'select';
    case 'insert':
      return 'insert';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    default:
      return 'other';
  }
}
