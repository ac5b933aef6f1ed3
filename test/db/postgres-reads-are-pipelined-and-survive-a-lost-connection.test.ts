import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { committedReaderOf } from '../../src/db/executor.ts';
import { APPLICATION_NAME } from '../../src/db/postgres-reader.ts';
import { findMessage, listMessages } from '../../src/messages/store.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * On PostgreSQL, GET message by id and pages of messages read through one pipelined connection
 * (postgres-reader.ts): reads asked for together are on the wire together, each still gets its
 * own rows, and none waits for the pool (a page filtered on what no index holds does, on purpose). The reader
 * reads only outside transactions, keeps tenants apart like the pool does, and a connection lost
 * under it (here: terminated by the server) costs no read: the reads are asked again on a new one.
 */
describe.runIf(dialects.includes('postgres'))('pipelined PostgreSQL reads', () => {
  let database: Database;
  const ids = Array.from({ length: 300 }, (_, i) => `wamid.READER${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    database = connectDatabase(isolatedDatabaseUrlFor('postgres', 'reader'));
    await migrateToLatest(database);
    const { db } = database;
    await db.insertInto('projects').values([{ id: 'p-reader', name: 'reader', created_at: 0 }, { id: 'p-other', name: 'other', created_at: 0 }]).execute();
    const secret = { display_phone_number: '1', waba_id: 'w', access_token_enc: 'x', app_secret_enc: 'x', verify_token_hash: 'x', is_sandbox: 0, created_at: 0 };
    await db.insertInto('phone_numbers').values([{ id: 'pn-reader', project_id: 'p-reader', ...secret }, { id: 'pn-other', project_id: 'p-other', ...secret }]).execute();
    const message = (id: string, i: number) => ({
      id,
      phone_number_id: 'pn-reader',
      conversation_id: 'c',
      direction: 'inbound' as const,
      type: 'text',
      timestamp: 1_700_000_000 + i,
      status: 'received',
      processing_status: 'pending',
      origin: 'cloud_api',
      has_media: 0,
      content: `message ${i}`,
      payload: JSON.stringify({ text: { body: `message ${i}` } }),
      kapso_data: '{}',
      created_at: 0,
      updated_at: 0,
    });
    await db.insertInto('messages').values(ids.map(message)).execute();
  });
  afterAll(async () => {
    await database?.close();
  });

  /** The server process behind the reader's connection, asked through the reader itself. */
  const readerBackend = async (): Promise<number> => {
    const reader = committedReaderOf(database.db);
    if (!reader) throw new Error('no PostgreSQL reader');
    const [row] = await reader.read<{ pid: number; name: string }>('select pg_backend_pid() as pid, current_setting($1) as name', ['application_name'], { prepared: true });
    expect(row?.name).toBe(APPLICATION_NAME);
    return row?.pid as number;
  };

  it('answers 300 reads asked for at once, each with its own message, on one connection', async () => {
    const before = await readerBackend();
    const rows = await Promise.all(ids.map((id) => findMessage(database.db, 'p-reader', 'pn-reader', id)));
    expect(rows.map((r) => r?.id)).toEqual(ids);
    expect(rows.map((r) => r?.content)).toEqual(ids.map((_, i) => `message ${i}`));
    expect(await readerBackend()).toBe(before);
  });

  it('answers GET by id and index-bounded pages while every pooled connection is busy; a status-filtered page waits for the pool', async () => {
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    // Ten transactions: every connection of the pool (10) is checked out until the gate opens.
    const busy = Array.from({ length: 10 }, () =>
      database.db.transaction().execute(async (trx) => {
        await trx.selectNoFrom((eb) => eb.val(1).as('one')).execute();
        started++;
        await gate;
      }),
    );
    await waitFor('every pooled connection is checked out', () => started === 10);
    const within = <T>(work: Promise<T>) => Promise.race([work, sleep(3_000).then(() => 'waited for the pool' as const)]);
    const one = await within(findMessage(database.db, 'p-reader', 'pn-reader', ids[7] as string));
    const page = await within(listMessages(database.db, 'p-reader', 'pn-reader', {}, { start: { kind: 'first' }, limit: 5 }));
    // A status filter no index holds may scan far: that page runs on the pool, not the pipeline.
    let filteredDone = false;
    const filtered = listMessages(database.db, 'p-reader', 'pn-reader', { status: 'received' }, { start: { kind: 'first' }, limit: 5 }).finally(() => {
      filteredDone = true;
    });
    // The pipeline answers in order: two reads asked after the filtered page and answered one
    // after the other show it is not on the pipeline, but waiting for the pool.
    for (const id of [ids[8], ids[9]]) expect(await within(findMessage(database.db, 'p-reader', 'pn-reader', id as string))).toMatchObject({ id });
    const filteredWaited = !filteredDone;
    release();
    await Promise.all(busy);
    expect(one).not.toBe('waited for the pool');
    expect(typeof one === 'object' ? one?.id : one).toBe(ids[7]);
    expect(Array.isArray(page) ? page.map((m) => m.id) : page).toEqual(ids.slice(-5).reverse());
    expect(filteredWaited).toBe(true);
    expect((await filtered).map((m) => m.id)).toEqual(ids.slice(-5).reverse());
  });

  it("answers another project's or an unknown id like one never stored", async () => {
    expect(await findMessage(database.db, 'p-other', 'pn-reader', ids[0] as string)).toBeUndefined();
    expect(await findMessage(database.db, 'p-reader', 'pn-reader', 'wamid.NOPE')).toBeUndefined();
  });

  it('is not used inside a transaction, which reads through its own connection', async () => {
    await database.db.transaction().execute(async (trx) => {
      expect(committedReaderOf(trx)).toBeUndefined();
      expect((await findMessage(trx, 'p-reader', 'pn-reader', ids[1] as string))?.id).toBe(ids[1]);
    });
  });

  it('loses no read when the server ends its connection: they are asked again on a new one', async () => {
    const before = await readerBackend();
    await database.db.selectNoFrom((eb) => eb.fn<boolean>('pg_terminate_backend', [eb.val(before)]).as('ended')).execute();
    const reads = await Promise.all(ids.map((id) => findMessage(database.db, 'p-reader', 'pn-reader', id)));
    expect(reads.map((r) => r?.id)).toEqual(ids);
    const again = await Promise.all(ids.slice(0, 10).map((id) => findMessage(database.db, 'p-reader', 'pn-reader', id)));
    expect(again.map((r) => r?.id)).toEqual(ids.slice(0, 10));
    expect(await readerBackend()).not.toBe(before);
  });
});
