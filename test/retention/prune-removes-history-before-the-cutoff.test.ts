import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requeueFailedMedia } from '../../src/media/claim-store.ts';
import { pruneHistory } from '../../src/retention/prune.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { getWithKey } from '../helpers/history.ts';
import { newStore, pathOf, startMediaGateway } from '../media/helpers.ts';
import { conversationsPointingAtMissingMessages, historyCounts, messageIdsOf, seedHistory } from './helpers.ts';

describe.each(dialects)('switchboard prune (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startMediaGateway(dialect, newStore('file', undefined).store);
  });
  afterAll(() => gw.close());

  it('deletes the messages before the cutoff with their statuses, media and emptied conversations, and keeps the newer ones whole', async () => {
    const t = await newTenant(gw);
    const seeded = await seedHistory(gw, t);
    const before = await historyCounts(gw, t.phoneNumberId);

    const report = await pruneHistory(gw.deps, { beforeMs: seeded.cutoffMs, mediaOnly: false, dryRun: false, projectId: t.projectId, now: gw.clock.now() });

    expect(report).toMatchObject({ dryRun: false, mediaOnly: false, messages: 4, statuses: 4, media: 2, blobs: 1, bytes: seeded.ownBytes, conversations: 1 });
    expect(await messageIdsOf(gw, t.phoneNumberId)).toEqual([...seeded.recent].sort());
    const after = await historyCounts(gw, t.phoneNumberId);
    expect(after).toEqual({ messages: 2, statuses: 0, media: 1, conversations: before.conversations - 1, contacts: before.contacts });
    // The file the old message shared with a newer one stays; the old message's own file is gone.
    expect(await gw.deps.blobs.exists(seeded.keys.shared)).toBe(true);
    expect(await gw.deps.blobs.exists(seeded.keys.own)).toBe(false);
    const shared = await gw.app.inject({ method: 'GET', url: pathOf(gw.deps.mediaUrls.urlFor(seeded.media.recentShared, gw.clock.now()).url) });
    expect(shared.statusCode).toBe(200);
  });

  it('leaves no conversation pointing at a pruned message, and the history API answers for what remains', async () => {
    const t = await newTenant(gw);
    const seeded = await seedHistory(gw, t);
    await pruneHistory(gw.deps, { beforeMs: seeded.cutoffMs, mediaOnly: false, dryRun: false, projectId: t.projectId, now: gw.clock.now() });

    expect(await conversationsPointingAtMissingMessages(gw, t.phoneNumberId)).toEqual([]);
    const conversations = await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/conversations?fields=kapso(messages_count,last_message_id)`);
    expect(conversations.statusCode).toBe(200);
    const rows = conversations.json().data as Array<{ id: string; phone_number: string; kapso: { messages_count: number; last_message_id: string | null } }>;
    // Maya's ended conversation of 100 days ago is gone; Ravi's (never ended) stays, emptied; Ana's lost one of two.
    expect(rows.map((c) => [c.phone_number, c.kapso.messages_count, c.kapso.last_message_id]).sort()).toEqual([
      ['14155550001', 1, seeded.recent[1]],
      ['14155550002', 0, null],
      ['14155550003', 1, seeded.recent[0]],
    ]);
    const messages = await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/messages`);
    expect(messages.statusCode).toBe(200);
    expect((messages.json().data as Array<{ id: string }>).map((m) => m.id).sort()).toEqual([...seeded.recent].sort());
    for (const c of rows) {
      const thread = await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/messages?conversation_id=${c.id}`);
      expect(thread.statusCode).toBe(200);
    }
  });

  it('on a dry run changes nothing and reports what the real run then removes', async () => {
    const t = await newTenant(gw);
    const seeded = await seedHistory(gw, t);
    const before = await historyCounts(gw, t.phoneNumberId);
    const options = { beforeMs: seeded.cutoffMs, mediaOnly: false, projectId: t.projectId, now: gw.clock.now() };

    const dry = await pruneHistory(gw.deps, { ...options, dryRun: true });
    expect(await historyCounts(gw, t.phoneNumberId)).toEqual(before);
    expect(await gw.deps.blobs.exists(seeded.keys.own)).toBe(true);

    const real = await pruneHistory(gw.deps, { ...options, dryRun: false });
    expect({ ...dry, dryRun: false }).toEqual(real);
    expect(real.messages).toBe(4);
  });

  it('touches only the project it is given', async () => {
    const mine = await newTenant(gw);
    const theirs = await newTenant(gw);
    const seeded = await seedHistory(gw, mine);
    await seedHistory(gw, theirs);
    const theirsBefore = await historyCounts(gw, theirs.phoneNumberId);

    await pruneHistory(gw.deps, { beforeMs: seeded.cutoffMs, mediaOnly: false, dryRun: false, projectId: mine.projectId, now: gw.clock.now() });
    expect(await historyCounts(gw, theirs.phoneNumberId)).toEqual(theirsBefore);
  });

  it('with media only, deletes the old files, keeps every message, and GET /media says the file was pruned', async () => {
    const t = await newTenant(gw);
    const seeded = await seedHistory(gw, t);
    // The old file came with a Meta media id, which `GET /{media_id}` describes.
    const metaMediaId = `9${Date.now()}`;
    await gw.deps.database.db.updateTable('media').set({ meta_media_id: metaMediaId }).where('id', '=', seeded.media.oldOwn).execute();
    const before = await historyCounts(gw, t.phoneNumberId);
    const options = { beforeMs: seeded.cutoffMs, mediaOnly: true, projectId: t.projectId, now: gw.clock.now() };

    const dry = await pruneHistory(gw.deps, { ...options, dryRun: true });
    const report = await pruneHistory(gw.deps, { ...options, dryRun: false });
    expect(report).toMatchObject({ mediaOnly: true, messages: 0, statuses: 0, media: 2, blobs: 1, bytes: seeded.ownBytes, conversations: 0 });
    expect({ ...dry, dryRun: false }).toEqual(report);

    expect(await historyCounts(gw, t.phoneNumberId)).toEqual(before);
    expect(await gw.deps.blobs.exists(seeded.keys.own)).toBe(false);
    expect(await gw.deps.blobs.exists(seeded.keys.shared)).toBe(true);
    const pruned = await gw.app.inject({ method: 'GET', url: pathOf(gw.deps.mediaUrls.urlFor(seeded.media.oldOwn, gw.clock.now()).url) });
    expect(pruned.statusCode).toBe(404);
    expect(pruned.json().error).toMatchObject({ message: `Media '${seeded.media.oldOwn}' was pruned`, code: 100, error_data: { details: expect.stringContaining('retention policy') } });
    const kept = await gw.app.inject({ method: 'GET', url: pathOf(gw.deps.mediaUrls.urlFor(seeded.media.recentShared, gw.clock.now()).url) });
    expect(kept.statusCode).toBe(200);
    const described = await getWithKey(gw, t.apiKey, `/v24.0/${metaMediaId}?phone_number_id=${t.phoneNumberId}`);
    expect(described.statusCode).toBe(404);
    expect(described.json().error.message).toBe(`Media '${metaMediaId}' was pruned`);
    // A pruned file is not downloaded again by `media retry`.
    expect(await requeueFailedMedia(gw.deps.database.db, { sinceMs: 0, projectId: t.projectId, now: gw.clock.now() })).toBe(0);
    // The message itself is still served.
    const message = await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/messages/${encodeURIComponent(seeded.old[0] as string)}`);
    expect(message.statusCode).toBe(200);
    expect(message.json().id).toBe(seeded.old[0]);
  });
});
