import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

/**
 * A bad variable stops the start with one message that names it, says what it must be in words,
 * and shows the value given, unless that value may hold a credential.
 */
function problemWith(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the environment was accepted');
}

describe('a bad environment variable', () => {
  it.each([
    [{ PORT: 'x' }, 'PORT must be a port number from 0 to 65535 (it is "x")'],
    [{ PORT: '' }, 'PORT must be a port number from 0 to 65535 (it is empty)'],
    [{ PORT: '70000' }, 'PORT must be a port number from 0 to 65535 (it is "70000")'],
    [{ HOST: '' }, 'HOST must not be empty (it is empty)'],
    [{ META_TIMEOUT_MS: 'abc' }, 'META_TIMEOUT_MS must be a number (it is "abc")'],
    [{ META_TIMEOUT_MS: '1.5' }, 'META_TIMEOUT_MS must be a whole number (it is "1.5")'],
    [{ META_TIMEOUT_MS: '0' }, 'META_TIMEOUT_MS must be greater than 0 (it is "0")'],
    [{ MEDIA_DOWNLOAD_CONCURRENCY: '100' }, 'MEDIA_DOWNLOAD_CONCURRENCY must be at most 64 (it is "100")'],
    [{ SEND_DEFAULT_MPS: '0' }, 'SEND_DEFAULT_MPS must be at least 1 (it is "0")'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (it is "verbose")'],
    [{ SANDBOX: 'on' }, 'SANDBOX must be one of 0, 1, true, false (it is "on")'],
    [{ EMBEDDED_WORKER: 'maybe' }, 'EMBEDDED_WORKER must be one of auto, true, false (it is "maybe")'],
    [{ PUBLIC_URL: 'example.com' }, 'PUBLIC_URL must be a URL with its scheme, such as https://example.com (it is "example.com")'],
    [{ WEBHOOK_RETRY_SCHEDULE: '10, 40' }, 'WEBHOOK_RETRY_SCHEDULE comma-separated seconds, e.g. 10,40,90 (it is "10, 40")'],
    [{ MEDIA_STORE: 'disk' }, 'MEDIA_STORE must be file:<folder> or s3://bucket[/prefix] (it is "disk")'],
  ])('%j is refused: %s', (env, message) => {
    expect(problemWith(env)).toBe(`invalid environment: ${message}`);
  });

  it('names every bad variable at once, in one line', () => {
    const message = problemWith({ PORT: 'x', LOG_LEVEL: 'loud' });
    expect(message).toContain('PORT must be');
    expect(message).toContain('LOG_LEVEL must be');
    expect(message).not.toContain('\n');
  });

  it('names a variable that may hold a credential without echoing its value', () => {
    const message = problemWith({ DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    expect(message).toBe('invalid environment: DATABASE_URL must start with sqlite: or postgres://');
  });

  it('shows at most the start of a long value', () => {
    expect(problemWith({ LOG_LEVEL: 'x'.repeat(500) }).length).toBeLessThan(200);
  });
});
