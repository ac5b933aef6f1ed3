/** How a check came out: `warn` does not fail the run (exit 0), `fail` does (exit 1). */
export type CheckState = 'ok' | 'warn' | 'fail';

/**
 * One line of `switchboard doctor`: what was checked, what was found and, for anything not ok,
 * the action that fixes it. Details never hold a secret, a token or a password.
 */
export interface CheckResult {
  /** `config`, `database`, `migrations`, `secret`, `media_store`, `meta <phone_number_id>`, `webhook <id>`. */
  name: string;
  state: CheckState;
  detail: string;
  /** The exact action, e.g. "run `switchboard migrate`"; absent when ok. */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, state: 'ok', detail });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, state: 'warn', detail, fix });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, state: 'fail', detail, fix });

/** Resolves with `late()` when `work` has not settled within `ms` (a DNS server or an endpoint that never answers). */
export async function within<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late()), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
