import { type Config, ConfigError } from '../config.ts';
import { type CheckResult, fail, ok } from './check.ts';

/**
 * The environment parsed as every command parses it (config.ts): a ConfigError becomes a failed
 * check with its message, which names the variable and never echoes a secret. Other errors are
 * bugs and are thrown.
 */
export function checkConfig(load: () => Config): { result: CheckResult; config: Config | null } {
  try {
    const config = load();
    const dialect = config.db.url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
    return { result: ok('config', `valid (${dialect}, media ${config.media.store.startsWith('s3:') ? 'in S3' : 'in files'})`), config };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { result: fail('config', err.message, 'fix the variable it names (README.md, Environment); the other checks need a valid configuration'), config: null };
  }
}
