import { MEDIA_KINDS } from './limits.ts';
import type { MediaJob } from './store.ts';

/** A message as storeConversationMessages has it: enough to find its media. */
export interface MediaMessage {
  phoneNumberId: string;
  id: string;
  type: string;
  direction: 'inbound' | 'outbound';
  payload: Record<string, unknown>;
}

export type MessageMediaJob = Omit<MediaJob, 'projectId'> & { messageId: string };

/**
 * The media job a message carries, or undefined when it names no file (pure). Inbound messages
 * and outbound ones sent by uploaded id name a Meta media `id`; outbound ones may name a `link`
 * instead, which the worker fetches itself. `mime_type` is Meta's (inbound only) and `filename`
 * the document's, when given.
 */
export function mediaJobOf(m: MediaMessage): MessageMediaJob | undefined {
  if (!MEDIA_KINDS.has(m.type)) return undefined;
  const media = m.payload[m.type];
  if (typeof media !== 'object' || media === null || Array.isArray(media)) return undefined;
  const fields = media as Record<string, unknown>;
  const metaMediaId = text(fields.id);
  // Inbound objects may carry Meta's own `url`; only an outbound `link` is a source we fetch.
  const sourceUrl = m.direction === 'outbound' && metaMediaId === null ? text(fields.link) : null;
  if (metaMediaId === null && sourceUrl === null) return undefined;
  return {
    phoneNumberId: m.phoneNumberId,
    messageId: m.id,
    metaMediaId,
    sourceUrl,
    kind: m.type,
    direction: m.direction,
    mimeType: text(fields.mime_type),
    filename: text(fields.filename),
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
