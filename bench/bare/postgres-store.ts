import pg from 'pg';
import { timeOrderedUuid } from '../../src/db/time-ordered-id.ts';
import { assertJoins, type BareStore, type InboundMessage, type MessageRow, type Place, summarize } from './store.ts';

// bigint columns (epoch ms, Meta's seconds) as numbers, as the product reads them (src/db/pg-driver.ts).
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

/**
 * The bare store on PostgreSQL: a pool of 10 for the write transactions (the product's size),
 * each a handful of statements for the whole batch (every statement is a round trip), at most 4
 * in flight (the product's concurrentCommitBatches); and reads by id on one pipelined connection
 * with a named statement, as the product reads them (src/db/postgres-reader.ts), so the two sides
 * differ in their request path, not in how they reach PostgreSQL.
 */
export function openPostgresStore(databaseUrl: string): BareStore {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const config = { connectionString: url.toString(), ...(schema ? { options: `-c search_path=${schema}` } : {}) };
  const pool = new pg.Pool({ ...config, max: 10 });
  const reader = new pg.Client({ ...config, pipeline: true } as pg.ClientConfig);
  const connected = reader.connect();

  const query = async <Row extends pg.QueryResultRow>(client: pg.PoolClient, name: string, text: string, values: unknown[]) =>
    (await client.query<Row>({ name, text, values })).rows;

  return {
    concurrentWrites: 4,
    async tenancy() {
      const keys = await pool.query<{ hash: string; project_id: string }>('select hash, project_id from api_keys where revoked_at is null');
      const numbers = await pool.query<{ id: string; project_id: string }>('select id, project_id from phone_numbers where removed_at is null');
      return { keys: new Map(keys.rows.map((k) => [k.hash, k.project_id])), numbers: new Map(numbers.rows.map((n) => [n.id, n.project_id])) };
    },
    async findMessage(projectId, phoneNumberId, id) {
      await connected;
      const { rows } = await reader.query<MessageRow>({ name: 'bare-message', text: SELECT_MESSAGE, values: [projectId, phoneNumberId, id] });
      return rows[0];
    },
    async write(messages) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const customers = [...new Set(messages.map((m) => `${m.phoneNumberId}\n${m.waId}`))].map((k) => k.split('\n'));
        const places = await query<Place & { phone_number_id: string; wa_id: string }>(client, 'bare-places', SELECT_PLACES, [customers.map((c) => c[0]), customers.map((c) => c[1])]);
        const placeOf = new Map(places.map((p) => [`${p.phone_number_id}\n${p.wa_id}`, p]));
        const rows = messages.map((m) => {
          const place = placeOf.get(`${m.phoneNumberId}\n${m.waId}`);
          assertJoins(place, m);
          return { m, place };
        });
        for (const { m, place } of rows) {
          if (m.profileName !== null && m.profileName !== place.profile_name) {
            await client.query('update contacts set profile_name = $1, updated_at = $2 where id = $3', [m.profileName, m.now, place.contact_id]);
            place.profile_name = m.profileName;
          }
        }
        const ids = new Set((await query<{ id: string }>(client, 'bare-insert', INSERT_MESSAGES, messageColumns(rows))).map((r) => r.id));
        const inserted = rows.filter(({ m }) => ids.has(m.id));
        if (inserted.length > 0) await client.query({ name: 'bare-summaries', text: UPDATE_AND_FIRE, values: summaryAndEventColumns(inserted) });
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await reader.end();
      await pool.end();
    },
  };
}

const SELECT_MESSAGE = `select messages.* from messages inner join phone_numbers on phone_numbers.id = messages.phone_number_id
  where phone_numbers.project_id = $1 and messages.phone_number_id = $2 and messages.id = $3`;

// Locks the conversations in id order, so concurrent batches never deadlock on them; the summary
// is then computed from what is read here (store.ts, summarize).
const SELECT_PLACES = `select k.phone_number_id, k.wa_id, k.id as contact_id, k.profile_name, c.id as conversation_id, c.status,
    c.last_active_at, c.last_message_at, c.last_inbound_at
  from unnest($1::text[], $2::text[]) as i(phone_number_id, wa_id)
  inner join contacts k on k.phone_number_id = i.phone_number_id and k.wa_id = i.wa_id
  inner join conversations c on c.id = k.current_conversation_id
  order by c.id for update of c`;

// Exactly once by (number, wamid): a stored wamid inserts nothing and is not returned.
const INSERT_MESSAGES = `insert into messages (id, phone_number_id, conversation_id, direction, type, from_id, to_id, timestamp, status,
    processing_status, origin, has_media, contact_name, content, payload, kapso_data, created_at, updated_at)
  select id, phone_number_id, conversation_id, 'inbound', type, from_id, phone_number_id, timestamp, 'received', 'pending', 'cloud_api', 0,
    contact_name, content, payload::jsonb, '{"message_type_data":{}}'::jsonb, now, now
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::bigint[])
    with ordinality as i(id, phone_number_id, conversation_id, type, from_id, timestamp, contact_name, content, payload, now, ord)
  order by ord
  on conflict (phone_number_id, id) do nothing
  returning id`;

function messageColumns(rows: ReadonlyArray<{ m: InboundMessage; place: Place }>): unknown[][] {
  return [
    rows.map(({ m }) => m.id), rows.map(({ m }) => m.phoneNumberId), rows.map(({ place }) => place.conversation_id), rows.map(({ m }) => m.type),
    rows.map(({ m }) => m.waId), rows.map(({ m }) => m.timestamp), rows.map(({ m, place }) => m.profileName ?? place.profile_name),
    rows.map(({ m }) => m.content), rows.map(({ m }) => m.payload), rows.map(({ m }) => m.now),
  ];
}

// The conversations' summaries and the messages' events in one round trip.
const UPDATE_AND_FIRE = `with counted as (
    update conversations c set messages_count = c.messages_count + s.count, last_message_id = coalesce(s.last_id, c.last_message_id),
      last_message_type = coalesce(s.last_type, c.last_message_type), last_message_text = coalesce(s.last_text, c.last_message_text),
      last_message_at = s.last_at, last_inbound_at = s.inbound_at, last_active_at = s.active_at, updated_at = s.now
    from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
      as s(id, count, last_id, last_type, last_text, last_at, inbound_at, active_at, now)
    where c.id = s.id returning 1)
  insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
  select id, null, phone_number_id, 'whatsapp.message.received', conversation_id, message_id, '{"is_new_conversation":false}'::jsonb, created_at, null
  from unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[]) with ordinality as e(id, phone_number_id, conversation_id, message_id, created_at, ord)
  order by ord`;

function summaryAndEventColumns(inserted: ReadonlyArray<{ m: InboundMessage; place: Place }>): unknown[][] {
  const s = summarize(inserted);
  return [
    s.map((x) => x.conversation_id), s.map((x) => x.count), s.map((x) => x.last_id), s.map((x) => x.last_type), s.map((x) => x.last_text),
    s.map((x) => x.last_at), s.map((x) => x.inbound_at), s.map((x) => x.active_at), s.map((x) => x.now),
    inserted.map(({ m }) => timeOrderedUuid(m.now)), inserted.map(({ m }) => m.phoneNumberId), inserted.map(({ place }) => place.conversation_id),
    inserted.map(({ m }) => m.id), inserted.map(({ m }) => m.now),
  ];
}
