import type { RealisticStatuses, StatusDelays } from '../options.ts';
import type { Random } from '../random.ts';

/** When one message's statuses fall, and whether the customer reads it. */
export interface StatusTiming {
  delays: StatusDelays;
  reads: boolean;
}

/**
 * The fixed `statusDelaysMs`, or with `realisticStatuses` a draw per message from the seeded
 * stream (meta-cloud-api.md §7.14: sent ≈ 0.1–1 s, delivered ≈ 1–5 s, read seconds to minutes
 * or never). Every message takes the same number of draws, so a seeded run repeats.
 */
export function statusTimingFor(input: { fixed: StatusDelays; realistic: RealisticStatuses | false; dice: Random; readsAtAll: boolean; answers: boolean }): StatusTiming {
  const { realistic, dice } = input;
  if (!realistic) return { delays: input.fixed, reads: input.readsAtAll };
  const sent = between(dice, realistic.sentMs);
  const delivered = Math.max(sent, between(dice, realistic.deliveredMs));
  const read = Math.max(delivered, between(dice, realistic.readMs));
  const readsIt = dice.next() < realistic.readShare;
  // A customer who answers has opened the chat: the message is read before the answer.
  return { delays: { sent, delivered, read }, reads: input.readsAtAll && (readsIt || input.answers) };
}

/** An integer in [min, max]. */
export function between(dice: Random, [min, max]: [number, number]): number {
  return min + dice.int(max - min + 1);
}
