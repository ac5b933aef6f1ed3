import type { CallEvent } from '../calls/call-event.ts';
import type { NormalizedWebhook } from '../messages/records.ts';
import type { IngestOutcome } from './ingest.ts';

/**
 * What a stored webhook adds to its request's log line: the wamids of its messages, each status
 * with its wamid, the call ids, and how many items were duplicates Meta had sent before. This
 * goes on the one `request` line (info) rather than a line of its own, so logging the ids costs
 * no extra line per webhook on the busiest route. Empty lists are left out. Pure.
 */
export function ingestLogDetail(webhook: NormalizedWebhook, calls: readonly CallEvent[], outcome: IngestOutcome): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  if (webhook.messages.length > 0) detail.messages = webhook.messages.map((m) => m.id);
  if (webhook.statuses.length > 0) detail.statuses = webhook.statuses.map((s) => ({ wamid: s.messageId, status: s.status }));
  if (calls.length > 0) detail.calls = calls.map((c) => ({ id: c.callId, status: c.status }));
  const duplicates = outcome.duplicateMessages + outcome.duplicateStatuses;
  if (duplicates > 0) detail.duplicates = duplicates;
  return detail;
}
