import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { KAPSO_MESSAGE_FIELDS } from 'kapso-sdk-0.1';
import { Agent, fetch as undiciFetch } from 'undici';

/** The six conversation fields the inbox's list asks for (its src/app/api/conversations/route.ts). */
export const INBOX_CONVERSATION_FIELDS = ['contact_name', 'messages_count', 'last_message_type', 'last_message_text', 'last_inbound_at', 'last_outbound_at'] as const;

/**
 * The fifteen message fields the inbox's thread asks for (its src/app/api/messages/[conversationId]/route.ts
 * spells out exactly the SDK's KAPSO_MESSAGE_FIELDS).
 */
export const INBOX_MESSAGE_FIELDS: readonly string[] = KAPSO_MESSAGE_FIELDS;

/** Kapso's ISO 8601 instants (with or without fractional seconds), as `Date.parse` reads them. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * What a hosts-file line `127.0.0.1 inbox.kapso.ai` does for a user: names ending in `kapso.ai`
 * resolve to loopback, everything else as usual. The URL, and so the Host header, keep the name.
 */
const hostsFileAgent = new Agent({
  connect: {
    lookup(hostname: string, options: { all?: boolean }, callback: LookupCallback) {
      if (!hostname.endsWith('kapso.ai')) return dnsLookup(hostname, options as object, callback as never);
      if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
      return callback(null, '127.0.0.1', 4);
    },
  } as never,
});

/**
 * The inbox's fetch, seen from a machine whose hosts file names the gateway `*.kapso.ai`. The SDK
 * builds uploads with the global FormData, which undici's own fetch does not recognise: it is
 * encoded here as the global fetch would send it (same multipart bytes, same content type).
 */
export const inboxFetch = (async (input: string | URL, init: RequestInit = {}) => {
  let { body, headers } = init;
  if (body instanceof FormData) {
    const encoded = new Response(body);
    headers = { ...Object.fromEntries(new Headers(headers).entries()), 'content-type': encoded.headers.get('content-type') ?? '' };
    body = Buffer.from(await encoded.arrayBuffer());
  }
  return undiciFetch(input as string, { ...(init as object), headers, body, dispatcher: hostsFileAgent } as never);
}) as unknown as typeof fetch;

/** The kapso block of a thread message as the inbox reads it (camel-cased by the SDK). */
export interface InboxKapso {
  direction?: string;
  status?: string;
  phoneNumber?: string;
  hasMedia?: boolean;
  content?: string;
  mediaUrl?: string;
  mediaData?: Record<string, unknown>;
  messageTypeData?: Record<string, unknown>;
  whatsappConversationId?: string;
  [key: string]: unknown;
}

/** A thread message with the keys the inbox reads; the type's object (`text`, `image`…) stays loose. */
export interface InboxMessage {
  id: string;
  type: string;
  timestamp: string;
  from?: string;
  context?: { id?: string };
  kapso: InboxKapso;
  [key: string]: unknown;
}

/** The message `id` of a thread, which must be there. */
export function messageIn(thread: ReadonlyMap<string, InboxMessage>, id: string | undefined): InboxMessage {
  const message = thread.get(id ?? '');
  if (!message) throw new Error(`message ${id} is not in the thread`);
  return message;
}
