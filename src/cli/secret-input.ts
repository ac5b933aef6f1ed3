import { readFileSync } from 'node:fs';
import { TenancyError } from '../tenants/tenancy.ts';

/**
 * A secret given to a CLI command either as a flag (visible in `ps` and shell history) or, better,
 * as `--<name>-file PATH`, where PATH `-` means standard input. One trailing newline is dropped, so
 * `echo "$TOKEN" | switchboard numbers add --access-token-file - …` works.
 */
export function readSecretOption(name: string, value: string | undefined, file: string | undefined): string {
  if (value !== undefined && file !== undefined) throw new TenancyError(`give --${name} or --${name}-file, not both`);
  if (value !== undefined) return value;
  if (file === undefined) throw new TenancyError(`--${name} or --${name}-file is required`);
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new TenancyError(`cannot read --${name}-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw new TenancyError(`--${name}-file ${file} is empty`);
  return secret;
}
