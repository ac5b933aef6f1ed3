import { identityOf } from '../identities.ts';
import type { SimContext } from '../context.ts';
import type { WebhookError } from '../error-codes.ts';
import type { RecipientBehaviour, SimMessage, SimNumber } from '../state.ts';
import { buildStatusItem, graphMajorVersion, pricingFor } from './status-item.ts';
import { planStatuses } from './status-plan.ts';
import type { StatusTiming } from './status-timing.ts';

/** Why and when an accepted message fails. */
export interface Failure {
  error: WebhookError;
  after: RecipientBehaviour['failAfter'];
}

/** The facts of one accepted send that its status webhooks carry. */
export interface StatusFacts {
  version: string;
  inWindow: boolean;
  templateCategory?: string;
  bizOpaque?: string;
  failure?: Failure;
  timing: StatusTiming;
  /** Runs when the customer has seen the message: at `read`, or at `delivered` if never read. */
  onSeen?: () => void;
}

const dayS = 24 * 60 * 60;

/**
 * Schedules the status webhooks of an accepted message (§1.7, §7.14) and advances the
 * message's recorded status as each one falls due. Timestamps are the injected clock at the
 * send plus each status's delay, so a fixed clock gives exact, repeatable values. Every status
 * echoes the send's `biz_opaque_callback_data` (§1.7), `failed` included.
 */
export function scheduleStatuses(ctx: SimContext, number: SimNumber, message: SimMessage, facts: StatusFacts): void {
  const payload = (message.payload[message.type] ?? {}) as Record<string, unknown>;
  const plan = planStatuses({
    isReaction: message.type === 'reaction',
    isVoice: message.type === 'audio' && payload.voice === true,
    delays: facts.timing.delays,
    reads: facts.timing.reads,
    ...(facts.failure ? { failure: { after: facts.failure.after } } : {}),
    collapseDeliveredIntoRead: ctx.options.collapseDeliveredIntoRead,
  });
  const pricing = pricingFor(facts.templateCategory, facts.inWindow);
  // `conversation` only exists on webhooks of Graph v23.0 and older (§1.7).
  const conversationId = graphMajorVersion(facts.version) <= 23 ? ctx.ids.conversationId() : undefined;
  const seenStatus = plan.some((step) => step.status === 'read') ? 'read' : 'delivered';
  const updates = plan.map((step) => {
    const timestampSec = Math.floor((message.createdAtMs + step.atMs) / 1000);
    const status = buildStatusItem({
      wamid: message.id,
      status: step.status,
      timestampSec,
      // A customer hiding their phone is named by BSUID alone (§1.5).
      recipientId: identityOf(ctx, message.waId)?.hidePhone || message.waId === message.bsuid ? '' : message.waId,
      ...(message.bsuid !== undefined ? { recipientUserId: message.bsuid } : {}),
      ...(facts.bizOpaque !== undefined ? { bizOpaque: facts.bizOpaque } : {}),
      ...(step.billed ? { pricing } : {}),
      ...(step.billed && conversationId
        ? { conversation: { id: conversationId, originType: pricing.category, ...(step.status === 'sent' ? { expirationSec: timestampSec + dayS } : {}) } }
        : {}),
      ...(step.status === 'failed' && facts.failure ? { errors: [facts.failure.error] } : {}),
    });
    const onDue = () => {
      message.status = step.status;
      message.statuses.push({ status: step.status, timestamp: String(timestampSec) });
      if (step.status === seenStatus) facts.onSeen?.();
    };
    return { item: { kind: 'status' as const, number, status }, delayMs: step.atMs, onDue };
  });
  ctx.dispatcher.enqueueGroup(updates);
}
