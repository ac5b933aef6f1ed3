import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { loggerOptions } from '../../src/create-deps.ts';

/** One JSON log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { msg?: string; reqId?: string };

/** A logger with the gateway's options (its redaction included) writing into memory. */
export interface LogCapture {
  log: Logger;
  /** Everything written so far, as written. */
  text(): string;
  /** Everything written so far, one parsed object per line. */
  lines(): LogLine[];
}

export function captureLogs(level = 'trace'): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    log: pino(loggerOptions(level), stream),
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as LogLine),
  };
}
