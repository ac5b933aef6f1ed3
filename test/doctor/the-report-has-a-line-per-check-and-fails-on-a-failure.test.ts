import { describe, expect, it } from 'vitest';
import { fail, ok, warn } from '../../src/doctor/check.ts';
import { fixForMetaCode } from '../../src/doctor/checks-meta.ts';
import { failed, renderReport, reportJson } from '../../src/doctor/render.ts';

describe('the doctor report', () => {
  const results = [ok('config', 'valid'), warn('webhook wh_1', 'lookup did not complete', 'try again'), fail('migrations', '1 of 17 pending: x', 'run `switchboard migrate`')];

  it('prints one aligned line per check, the fix after anything not ok, then the count', () => {
    expect(renderReport(results).split('\n')).toEqual([
      'ok    config        valid',
      'warn  webhook wh_1  lookup did not complete; fix: try again',
      'fail  migrations    1 of 17 pending: x; fix: run `switchboard migrate`',
      'doctor: 1 ok, 1 warn, 1 fail',
    ]);
  });

  it('fails the run on a failure only, not on a warning', () => {
    expect(failed(results)).toBe(true);
    expect(failed(results.slice(0, 2))).toBe(false);
    expect(reportJson(results.slice(0, 2))).toEqual({ ok: true, checks: results.slice(0, 2) });
    expect(reportJson(results).ok).toBe(false);
  });

  it.each([
    [190, 'the access token is invalid or expired'],
    [10, 'the token may not act for this number'],
    [200, 'the token may not act for this number'],
    [100, 'Meta does not know this number for this token'],
    [131000, "read Meta's message"],
  ])('advises on Meta code %s by the code, not the message', (code, advice) => {
    expect(fixForMetaCode(code, '1234')).toContain(advice);
  });
});
