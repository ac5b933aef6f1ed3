import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { TENANCY_CACHE_TTL_MS } from '../tenants/lookup.ts';
import { TtlCache } from '../tenants/ttl-cache.ts';
import { META_RAW_EVENT } from '../events/event-types.ts';
import { appendEvent } from '../events/append-event.ts';

interface NumberForwarding {
  projectId: string;
  forwards: boolean;
}

/**
 * Raw Meta forwarding (kapso-api.md §8.1, `meta` kind): the webhook body as Meta sent it, queued
 * for the number's `meta` subscription in the ingest transaction. Only numbers that have one pay
 * for it: whether they do is cached briefly (a new subscription starts forwarding within 5 s).
 */
export class MetaForwarding {
  private readonly byNumber: TtlCache<NumberForwarding | null>;

  constructor(private readonly deps: Pick<Deps, 'database' | 'clock'>) {
    this.byNumber = new TtlCache(TENANCY_CACHE_TTL_MS, deps.clock);
  }

  /**
   * The bodies to forward, by number: the raw bytes when every number the payload names belongs to
   * one project (the normal case: one number per payload); otherwise each number gets only its own
   * entries, re-serialised, so no project ever receives another's messages.
   */
  async bodiesFor(raw: string, parsed: unknown, phoneNumberIds: readonly string[]): Promise<Map<string, string>> {
    const missing = phoneNumberIds.filter((id) => this.byNumber.get(id) === undefined);
    if (missing.length > 0) {
      for (const [id, value] of await lookupForwarding(this.deps.database.db, missing)) this.byNumber.set(id, value);
    }
    const known = phoneNumberIds.map((id) => [id, this.byNumber.get(id)] as const);
    const bodies = new Map<string, string>();
    const projects = new Set(known.map(([, v]) => v?.projectId));
    for (const [id, value] of known) {
      if (!value?.forwards) continue;
      bodies.set(id, projects.size === 1 ? raw : JSON.stringify(onlyNumber(parsed, id)));
    }
    return bodies;
  }
}

/** Appends one raw-forward event per number, inside the ingest transaction. */
export async function appendMetaForwards(trx: Transaction<DB>, bodies: ReadonlyMap<string, string>, now: number): Promise<void> {
  for (const [phoneNumberId, body] of bodies) {
    await appendEvent(trx, { type: META_RAW_EVENT, phoneNumberId, data: { body } }, now);
  }
}

async function lookupForwarding(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, NumberForwarding | null>> {
  const numbers = await db.selectFrom('phone_numbers').select(['id', 'project_id']).where('id', 'in', ids).execute();
  const forwarding = await db
    .selectFrom('webhooks')
    .select('phone_number_id')
    .where('kind', '=', 'meta')
    .where('active', '=', 1)
    .where('phone_number_id', 'in', ids)
    .execute();
  const forwards = new Set(forwarding.map((w) => w.phone_number_id));
  const found = new Map(numbers.map((n) => [n.id, { projectId: n.project_id, forwards: forwards.has(n.id) }]));
  return new Map(ids.map((id) => [id, found.get(id) ?? null]));
}

/** The payload with only the changes addressed to one number (entries left empty are dropped). */
function onlyNumber(parsed: unknown, phoneNumberId: string): unknown {
  const body = parsed as { object?: unknown; entry?: Array<{ changes?: Array<{ value?: { metadata?: { phone_number_id?: string } } }> }> };
  const entry = (body.entry ?? [])
    .map((e) => ({ ...e, changes: (e.changes ?? []).filter((c) => c.value?.metadata?.phone_number_id === phoneNumberId) }))
    .filter((e) => e.changes.length > 0);
  return { ...body, entry };
}
