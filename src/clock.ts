/** The clock every time-dependent rule reads; tests inject a fixed or stepping one. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
