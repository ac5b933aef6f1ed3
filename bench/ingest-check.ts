import type { BenchDatabase } from './database.ts';
import { type ServerProcess, sleep } from './processes.ts';
import type { IngestLedger } from './scenarios.ts';

const SETTLE_WINDOW_MS = 1000;
const SETTLE_LIMIT_MS = 60_000;

/**
 * The message count once the server has finished what the load generator left in flight: a
 * shared transaction may stay open for seconds, so the count alone can look stable too early;
 * the server must also have been idle (under 5% of a core) over the same second.
 */
export async function settledMessageCount(db: BenchDatabase, server: ServerProcess): Promise<number> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  let count = await db.countMessages();
  let cpu = server.cpuSeconds();
  for (;;) {
    await sleep(SETTLE_WINDOW_MS);
    const [nextCount, nextCpu] = [await db.countMessages(), server.cpuSeconds()];
    const idle = nextCpu - cpu < 0.05 * (SETTLE_WINDOW_MS / 1000);
    if ((nextCount === count && idle) || Date.now() > deadline) return nextCount;
    [count, cpu] = [nextCount, nextCpu];
  }
}

/**
 * Checks an ingest run against the store: every acknowledged wamid is stored, and the message
 * count grew by the acknowledged messages plus at most those of payloads still unanswered when
 * the load generator stopped (the server may have committed them after the client hung up).
 */
export async function checkIngest(
  db: BenchDatabase,
  server: ServerProcess,
  phoneNumberId: string,
  countBefore: number,
  ledger: IngestLedger,
  perPayload: number,
): Promise<{ text: string; passed: boolean }> {
  const countAfter = await settledMessageCount(db, server);
  const grew = countAfter - countBefore;
  const acknowledged = ledger.acknowledged.length;
  const unanswered = ledger.built - ledger.answered;
  const stored = await db.countStored(phoneNumberId, ledger.acknowledged);
  const passed = stored === acknowledged && grew >= acknowledged && grew <= acknowledged + unanswered * perPayload;
  const text =
    `${passed ? 'ok' : 'FAILED'}: count grew ${grew} for ${acknowledged} acknowledged messages ` +
    `(+ ≤ ${unanswered * perPayload} from ${unanswered} payloads unanswered at stop); ` +
    `${stored}/${acknowledged} acknowledged wamids stored`;
  return { text, passed };
}
