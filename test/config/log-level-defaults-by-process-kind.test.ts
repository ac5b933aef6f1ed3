import { describe, expect, it } from 'vitest';
import { loadConfig, wantsStartupStacks } from '../../src/config.ts';

describe('LOG_LEVEL, read once in config.ts', () => {
  it.each([
    [undefined, 'info', 'warn'],
    ['debug', 'debug', 'debug'],
    ['error', 'error', 'error'],
    ['silent', 'silent', 'silent'],
  ])('LOG_LEVEL=%s logs serving processes at %s and one-shot commands at %s', (set, serving, command) => {
    const log = loadConfig(set === undefined ? {} : { LOG_LEVEL: set }).log;
    expect(log).toEqual({ level: serving, commandLevel: command });
  });

  it.each([
    [undefined, false],
    ['info', false],
    ['debug', true],
    ['trace', true],
    ['nonsense', false],
  ])('LOG_LEVEL=%s prints a failed start’s stack: %s', (set, stacks) => {
    expect(wantsStartupStacks(set === undefined ? {} : { LOG_LEVEL: set })).toBe(stacks);
  });
});
