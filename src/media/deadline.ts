import type { MediaRow } from '../db/schema.ts';
import { maxBytesFor, maxBytesForKind } from './limits.ts';

/** What bounds a download as a whole (config.media, config.meta). */
export interface DeadlineRule {
  /** META_TIMEOUT_MS: connecting and the first answer, on top of the transfer. */
  timeoutMs: number;
  /** MEDIA_MIN_BYTES_PER_SECOND: the slowest transfer worth waiting for. */
  minBytesPerSecond: number;
  /** MEDIA_DOWNLOAD_TIMEOUT_MS: one fixed deadline instead of the derived one. */
  fixedMs?: number | undefined;
}

/**
 * How long a download of a file held to `maxBytes` may take in all, whatever it does meanwhile
 * (undici's body timeout bounds only the silence between chunks: a link that drips a byte a
 * second would hold a download slot for ever). Pure. The rule (docs/media.md): the Graph timeout
 * plus the size limit at the minimum throughput, so a 100 MB document at 100 KB/s gets
 * 20 s + 1,024 s, a 5 MB image 20 s + 51.2 s.
 */
export function downloadDeadlineMs(maxBytes: number, rule: DeadlineRule): number {
  if (rule.fixedMs !== undefined) return rule.fixedMs;
  return rule.timeoutMs + Math.ceil((maxBytes * 1000) / rule.minBytesPerSecond);
}

/** The size limit a row's download will be held to: its link's media kind, else the type Meta announced. */
export function maxBytesOfRow(row: Pick<MediaRow, 'source_url' | 'meta_media_id' | 'kind' | 'mime_type'>): number {
  if (row.meta_media_id === null && row.source_url !== null) return maxBytesForKind(row.kind ?? 'document');
  return maxBytesFor(row.mime_type);
}
