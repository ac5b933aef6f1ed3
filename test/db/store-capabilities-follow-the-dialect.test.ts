import { afterEach, describe, expect, it } from 'vitest';
import { storeCapabilities } from '../../src/db/capabilities.ts';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

const expected = {
  sqlite: { singleServingProcess: true, concurrentCommitBatches: 1, generatesSecret: true, copiedByBackup: true },
  postgres: { singleServingProcess: false, concurrentCommitBatches: 4, generatesSecret: false, copiedByBackup: false },
};

/** Process-level decisions (sandbox, commit batches, a generated secret) read these, never the dialect. */
describe.each(dialects)('the store capabilities (%s)', (dialect) => {
  let database: Database | null = null;
  afterEach(async () => {
    await database?.close();
    database = null;
  });

  it('are the same from the URL before connecting as on the connected database', () => {
    const url = databaseUrlFor(dialect, 'capabilities');
    database = connectDatabase(url);
    expect(storeCapabilities(url)).toEqual(expected[dialect]);
    expect(database.capabilities).toEqual(expected[dialect]);
  });
});

describe('capabilities of URL spellings', () => {
  it.each([
    ['sqlite::memory:', true],
    ['sqlite:./data/switchboard.db', true],
    ['postgres://u@h/db', false],
    ['postgresql://u@h/db?schema=s', false],
  ])('%s is served by one process: %s', (url, single) => {
    expect(storeCapabilities(url).singleServingProcess).toBe(single);
  });
});
