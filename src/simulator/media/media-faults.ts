import { z } from 'zod';
import { GraphError } from '../../http/errors.ts';
import type { SimMedia } from '../state.ts';

/**
 * Scripted misbehaviour of one media file (control API `POST /_simulator/media/{id}/faults`,
 * docs/simulator.md), for the gateway's download tests: metadata that lies about the SHA-256 or
 * the size, and answers that fail a given number of times before the next one succeeds.
 */
export const mediaFaultsParams = z.object({ media_id: z.string().min(1).max(64) });

export const mediaFaultsBody = z.object({
  /** Announced by `GET /{media_id}` instead of the real hash. */
  sha256: z.string().min(1).max(128).optional(),
  /** Announced by `GET /{media_id}` instead of the real size (a string, like Meta's). */
  file_size: z.string().regex(/^\d+$/).optional(),
  /** The next `times` requests of `on` answer `status` in Meta's envelope. */
  fail: z
    .object({ on: z.enum(['metadata', 'download']), status: z.number().int().min(400).max(599), times: z.number().int().min(1).max(100).default(1) })
    .optional(),
});

export type MediaFaultsInput = z.infer<typeof mediaFaultsBody>;

interface MediaFaults {
  sha256?: string;
  fileSize?: string;
  failures: { on: 'metadata' | 'download'; status: number; remaining: number }[];
}

// Keyed by the media itself: a reset, or the media's deletion, drops its faults with it.
const faultsOf = new WeakMap<SimMedia, MediaFaults>();

/** Adds to a media's faults; returns what is now scripted. */
export function setMediaFaults(media: SimMedia, input: MediaFaultsInput): Record<string, unknown> {
  const faults = faultsOf.get(media) ?? { failures: [] };
  if (input.sha256 !== undefined) faults.sha256 = input.sha256;
  if (input.file_size !== undefined) faults.fileSize = input.file_size;
  if (input.fail) faults.failures.push({ on: input.fail.on, status: input.fail.status, remaining: input.fail.times });
  faultsOf.set(media, faults);
  return {
    media_id: media.id,
    sha256: faults.sha256 ?? null,
    file_size: faults.fileSize ?? null,
    failures: faults.failures.map((f) => ({ on: f.on, status: f.status, remaining: f.remaining })),
  };
}

/** The metadata as scripted: the real values unless overridden. */
export function announcedMetadata(media: SimMedia, metadata: Record<string, string>): Record<string, string> {
  const faults = faultsOf.get(media);
  if (!faults) return metadata;
  return { ...metadata, ...(faults.sha256 !== undefined ? { sha256: faults.sha256 } : {}), ...(faults.fileSize !== undefined ? { file_size: faults.fileSize } : {}) };
}

/** Throws the next scripted failure of `on` for this media, if one is left. */
export function failIfScripted(media: SimMedia, on: 'metadata' | 'download'): void {
  const failure = faultsOf.get(media)?.failures.find((f) => f.on === on && f.remaining > 0);
  if (!failure) return;
  failure.remaining -= 1;
  throw new GraphError(failure.status, failure.status >= 500 ? 2 : 100, 'OAuthException', `(#${failure.status >= 500 ? 2 : 100}) Scripted failure`, `A fault scripted through the control API (${on}).`);
}
