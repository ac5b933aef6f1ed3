import { freshBudget, lowerAfterThrottle, type SendBudget, takeFromBudget } from './send-budget.ts';

/** Where the numbers' send budgets are kept: this process's memory, or a row every process shares. */
export interface BudgetSource {
  /** Takes up to `want` sends of the number's budget; with none granted, how long until one is. */
  take(phoneNumberId: string, perSecond: number, now: number, want: number): Promise<{ granted: number; waitMs: number }>;
  /** Meta answered 130429 for the number: lower its rate (send-budget.ts). */
  throttled(phoneNumberId: string, perSecond: number, now: number): Promise<void>;
}

/** The budgets of a process that is the only one sending (the embedded SQLite default). */
export function memoryBudgetSource(): BudgetSource {
  const budgets = new Map<string, SendBudget>();
  const budgetOf = (id: string, perSecond: number, now: number) => budgets.get(id) ?? freshBudget(perSecond, now);
  return {
    async take(id, perSecond, now, want) {
      const t = takeFromBudget(budgetOf(id, perSecond, now), perSecond, now, want);
      budgets.set(id, t.budget);
      return { granted: t.granted, waitMs: t.waitMs };
    },
    async throttled(id, perSecond, now) {
      budgets.set(id, lowerAfterThrottle(budgetOf(id, perSecond, now), now));
    },
  };
}
