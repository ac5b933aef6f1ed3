/** What happened to the sends of one business number to one customer. */
export interface RecipientSends {
  phoneNumberId: string;
  waId: string;
  /** Sends Meta accepted (200 and a wamid), whatever their statuses did later. */
  accepted: number;
  /** Sends refused synchronously, per Meta error code. */
  refused: Map<number, number>;
  /** Accepted sends that end in a `failed` status, per Meta error code. */
  failed: Map<number, number>;
}

/** Refused sends whose recipient could not be read (a bad `to`, an invalid body), per number. */
interface UnaddressedRefusals {
  phoneNumberId: string;
  refused: Map<number, number>;
}

/** What a `GET /_simulator/sends` asks for. */
export interface SendsFilter {
  phoneNumberId?: string;
  waId?: string;
}

/** The totals over the recipients a filter selects. */
export interface SendTotals {
  recipients: number;
  accepted: number;
  /** Recipients with more than one accepted send. */
  repeated: number;
  refused: Map<number, number>;
  failed: Map<number, number>;
}

/**
 * Counts Meta's answers to sends per (business number, customer), so that a test can prove what
 * a sender did as Meta saw it: every recipient of a broadcast accepted exactly once, how many
 * sends the rate limits refused. Counters only: a million sends cost a map entry per customer.
 */
export class SendTally {
  private readonly byPair = new Map<string, RecipientSends>();
  private readonly unaddressed = new Map<string, UnaddressedRefusals>();

  /** Meta accepted a send to `waId`. */
  accepted(phoneNumberId: string, waId: string): void {
    this.entry(phoneNumberId, waId).accepted++;
  }

  /** Meta refused a send with `code`; `waId` is undefined when the recipient was unreadable. */
  refused(phoneNumberId: string, waId: string | undefined, code: number): void {
    if (waId !== undefined) return bump(this.entry(phoneNumberId, waId).refused, code);
    let entry = this.unaddressed.get(phoneNumberId);
    if (!entry) {
      entry = { phoneNumberId, refused: new Map() };
      this.unaddressed.set(phoneNumberId, entry);
    }
    bump(entry.refused, code);
  }

  /** An accepted send to `waId` will end `failed` with `code`. */
  failed(phoneNumberId: string, waId: string, code: number): void {
    bump(this.entry(phoneNumberId, waId).failed, code);
  }

  /** The recipients a filter selects, in the order they were first sent to. */
  recipients(filter: SendsFilter): RecipientSends[] {
    return [...this.byPair.values()].filter((r) => (filter.phoneNumberId === undefined || r.phoneNumberId === filter.phoneNumberId) && (filter.waId === undefined || r.waId === filter.waId));
  }

  /** Totals over `recipients`; refusals without a recipient count unless a customer was asked for. */
  totals(filter: SendsFilter, recipients: RecipientSends[]): SendTotals {
    const totals: SendTotals = { recipients: recipients.length, accepted: 0, repeated: 0, refused: new Map(), failed: new Map() };
    for (const r of recipients) {
      totals.accepted += r.accepted;
      if (r.accepted > 1) totals.repeated++;
      addAll(totals.refused, r.refused);
      addAll(totals.failed, r.failed);
    }
    if (filter.waId === undefined) {
      for (const u of this.unaddressed.values()) if (filter.phoneNumberId === undefined || u.phoneNumberId === filter.phoneNumberId) addAll(totals.refused, u.refused);
    }
    return totals;
  }

  clear(): void {
    this.byPair.clear();
    this.unaddressed.clear();
  }

  private entry(phoneNumberId: string, waId: string): RecipientSends {
    const key = `${phoneNumberId}:${waId}`;
    let entry = this.byPair.get(key);
    if (!entry) {
      entry = { phoneNumberId, waId, accepted: 0, refused: new Map(), failed: new Map() };
      this.byPair.set(key, entry);
    }
    return entry;
  }
}

function bump(counts: Map<number, number>, code: number): void {
  counts.set(code, (counts.get(code) ?? 0) + 1);
}

function addAll(into: Map<number, number>, from: Map<number, number>): void {
  for (const [code, n] of from) into.set(code, (into.get(code) ?? 0) + n);
}
