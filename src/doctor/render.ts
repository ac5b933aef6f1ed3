import type { CheckResult } from './check.ts';

const MAX_NAME_WIDTH = 22;

/**
 * The human report, pure: one line per check (`ok`, `warn` or `fail`, the check's name, what was
 * found and, when not ok, `fix:` and the action), then a count. Meant for a terminal or a log.
 */
export function renderReport(results: readonly CheckResult[]): string {
  // Names are aligned up to a point: a webhook's UUID would push every other line to the right.
  const width = Math.min(MAX_NAME_WIDTH, Math.max(...results.map((r) => r.name.length)));
  const lines = results.map((r) => {
    const fix = r.state === 'ok' || r.fix === undefined ? '' : `; fix: ${r.fix}`;
    return `${r.state.padEnd(4)}  ${r.name.padEnd(width)}  ${r.detail}${fix}`;
  });
  const count = (state: CheckResult['state']) => results.filter((r) => r.state === state).length;
  lines.push(`doctor: ${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail`);
  return lines.join('\n');
}

/** The `--json` report: one object, `ok` false when any check failed. */
export function reportJson(results: readonly CheckResult[]): { ok: boolean; checks: CheckResult[] } {
  return { ok: !failed(results), checks: [...results] };
}

/** Whether the run failed (exit 1): a warning alone does not fail it. */
export function failed(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.state === 'fail');
}
