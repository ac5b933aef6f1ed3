import SQLite from 'better-sqlite3';
import { startSqliteCheckpointer } from '../../src/db/sqlite-checkpointer.ts';
import { timeOrderedUuid } from '../../src/db/time-ordered-id.ts';
import { assertJoins, type BareStore, type InboundMessage, type MessageRow, type Place, summarize } from './store.ts';

/**
 * The bare store on SQLite: one connection, prepared statements, one synchronous transaction per
 * batch. Connection settings are the product's (src/db/connect.ts, sqlite-read-tuning.ts): WAL,
 * synchronous=NORMAL, a 64 MB cache, reads memory-mapped; and the WAL is checkpointed by the
 * product's own checkpointer thread with its settings, so the two sides differ in their request
 * path, not in when the WAL is copied back.
 */
export function openSqliteStore(file: string): BareStore {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 2147418112');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${Math.round(262_144 * (4096 + 24) * 1.25)}`);

  // While the checkpointer holds writes (to let the WAL start over), batches wait for it.
  let held: Promise<unknown> | null = null;
  const checkpointer = startSqliteCheckpointer(file, {
    intervalMs: 250,
    restartFrames: 262_144,
    catchUpFrames: 500,
    idleTicksBeforeShrink: 20,
    shrinkAboveBytes: 64 * 1024 * 1024,
    // Batches run synchronously, so when this is called none is open.
    holdWrites: (work) => {
      const done = work();
      held = done.catch(() => {}).finally(() => (held = null));
      return done;
    },
    onError: (message) => process.emitWarning(`SQLite checkpoint failed: ${message}`),
  });

  const getMessage = db.prepare(
    `select messages.* from messages inner join phone_numbers on phone_numbers.id = messages.phone_number_id
     where phone_numbers.project_id = ? and messages.phone_number_id = ? and messages.id = ?`,
  );
  const getPlace = db.prepare(
    `select k.id as contact_id, k.profile_name, c.id as conversation_id, c.status, c.last_active_at, c.last_message_at, c.last_inbound_at
     from contacts k inner join conversations c on c.id = k.current_conversation_id
     where k.phone_number_id = ? and k.wa_id = ?`,
  );
  const renameContact = db.prepare('update contacts set profile_name = ?, updated_at = ? where id = ?');
  // Exactly once by (number, wamid): a stored wamid inserts nothing and returns no row.
  const insertMessage = db.prepare(
    `insert into messages (id, phone_number_id, conversation_id, direction, type, from_id, to_id, timestamp, status,
       processing_status, origin, has_media, contact_name, content, payload, kapso_data, created_at, updated_at)
     values (?, ?, ?, 'inbound', ?, ?, ?, ?, 'received', 'pending', 'cloud_api', 0, ?, ?, ?, '{"message_type_data":{}}', ?, ?)
     on conflict (phone_number_id, id) do nothing returning seq`,
  );
  const updateConversation = db.prepare(
    `update conversations set messages_count = messages_count + ?, last_message_id = coalesce(?, last_message_id),
       last_message_type = coalesce(?, last_message_type), last_message_text = coalesce(?, last_message_text),
       last_message_at = ?, last_inbound_at = ?, last_active_at = ?, updated_at = ? where id = ?`,
  );
  const insertEvent = db.prepare(
    `insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
     values (?, null, ?, 'whatsapp.message.received', ?, ?, '{"is_new_conversation":false}', ?, null)`,
  );

  const writeBatch = db.transaction((messages: readonly InboundMessage[]) => {
    const inserted: Array<{ m: InboundMessage; place: Place }> = [];
    for (const m of messages) {
      const place = getPlace.get(m.phoneNumberId, m.waId) as Place | undefined;
      assertJoins(place, m);
      if (m.profileName !== null && m.profileName !== place.profile_name) renameContact.run(m.profileName, m.now, place.contact_id);
      const row = insertMessage.get(m.id, m.phoneNumberId, place.conversation_id, m.type, m.waId, m.phoneNumberId, m.timestamp, m.profileName ?? place.profile_name, m.content, m.payload, m.now, m.now);
      if (row) inserted.push({ m, place });
    }
    for (const s of summarize(inserted)) {
      updateConversation.run(s.count, s.last_id, s.last_type, s.last_text, s.last_at, s.inbound_at, s.active_at, s.now, s.conversation_id);
    }
    for (const { m, place } of inserted) insertEvent.run(timeOrderedUuid(m.now), m.phoneNumberId, place.conversation_id, m.id, m.now);
  });

  return {
    concurrentWrites: 1,
    async tenancy() {
      const keys = db.prepare('select hash, project_id from api_keys where revoked_at is null').all() as Array<{ hash: string; project_id: string }>;
      const numbers = db.prepare('select id, project_id from phone_numbers where removed_at is null').all() as Array<{ id: string; project_id: string }>;
      return { keys: new Map(keys.map((k) => [k.hash, k.project_id])), numbers: new Map(numbers.map((n) => [n.id, n.project_id])) };
    },
    async findMessage(projectId, phoneNumberId, id) {
      return getMessage.get(projectId, phoneNumberId, id) as MessageRow | undefined;
    },
    async write(messages) {
      while (held) await held;
      writeBatch(messages);
    },
    async close() {
      await checkpointer.stop();
      db.close();
    },
  };
}
