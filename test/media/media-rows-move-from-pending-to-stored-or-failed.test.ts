import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMediaByMessage, findMediaForServing, insertMediaJob, markMediaFailed, markMediaStored, scheduleMediaRetry, type MediaJob } from '../../src/media/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newStore, startMediaGateway } from './helpers.ts';

const STORED = { storageKey: `sha256/ab/${'ab'.repeat(32)}`, sha256: 'ab'.repeat(32), byteSize: 1234, contentType: 'image/jpeg' };

describe.each(dialects)('media rows (%s)', (dialect) => {
  let gw: TestGateway;
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  const db = () => gw.deps.database.db;
  const job = (overrides: Partial<MediaJob> = {}): MediaJob => ({
    projectId: tenant.projectId,
    phoneNumberId: tenant.phoneNumberId,
    messageId: `wamid.${randomUUID()}`,
    metaMediaId: '1487203399912345',
    direction: 'inbound',
    mimeType: 'image/jpeg',
    filename: null,
    ...overrides,
  });

  beforeAll(async () => {
    gw = await startMediaGateway(dialect, newStore('file', undefined).store);
    tenant = await newTenant(gw);
  });
  afterAll(() => gw.close());

  it("queues a message's media once, however often the message arrives", async () => {
    const first = job();
    const id = await insertMediaJob(db(), first, 1000);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await insertMediaJob(db(), { ...first, metaMediaId: '999' }, 2000)).toBeUndefined();
    expect(await findMediaByMessage(db(), tenant.phoneNumberId, first.messageId ?? '')).toMatchObject({
      id,
      project_id: tenant.projectId,
      meta_media_id: '1487203399912345',
      state: 'pending',
      attempts: 0,
      next_attempt_at: 1000,
      mime_type: 'image/jpeg',
      content_type: null,
    });
  });

  it('keeps any number of uploads, which have no message', async () => {
    const upload = job({ messageId: null, direction: 'outbound' });
    expect(await insertMediaJob(db(), upload, 1000)).toBeDefined();
    expect(await insertMediaJob(db(), upload, 1000)).toBeDefined();
  });

  it('serves a row only once it is stored', async () => {
    const id = (await insertMediaJob(db(), job({ filename: 'a.jpg' }), 1000)) ?? '';
    expect(await findMediaForServing(db(), id)).toBeUndefined();
    await markMediaStored(db(), id, STORED, 5000);
    expect(await findMediaForServing(db(), id)).toEqual({ id, projectId: tenant.projectId, filename: 'a.jpg', ...STORED });
  });

  it('keeps why a file failed, for good or until its next attempt', async () => {
    const retried = job();
    const id = (await insertMediaJob(db(), retried, 1000)) ?? '';
    await scheduleMediaRetry(db(), id, 'download answered 503', 61_000, 2000);
    expect(await findMediaByMessage(db(), tenant.phoneNumberId, retried.messageId ?? '')).toMatchObject({ state: 'pending', failure_reason: 'download answered 503', next_attempt_at: 61_000, updated_at: 2000 });
    await markMediaFailed(db(), id, 'media unavailable', 3000);
    expect(await findMediaByMessage(db(), tenant.phoneNumberId, retried.messageId ?? '')).toMatchObject({ state: 'failed', failure_reason: 'media unavailable', stored_at: null });
    expect(await findMediaForServing(db(), id)).toBeUndefined();
  });
});
