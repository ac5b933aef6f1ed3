import { expect } from 'vitest';
import { storeConversationMessages } from '../../src/messages/store-conversation-messages.ts';
import type { TestGateway } from './harness.ts';
import { textMessage } from './webhooks.ts';

/** A message to store directly through the write path (contact, conversation, counters). */
export interface SeedMessage {
  id: string;
  /** Epoch seconds. */
  timestamp: number;
  waId?: string;
  /** The sender's WhatsApp profile name, when the message carries one (never erases a known one). */
  profileName?: string;
  direction?: 'inbound' | 'outbound';
  status?: string;
  body?: string;
}

/**
 * Stores messages exactly as ingest and the send path do (storeConversationMessages), as one
 * batch in one transaction: the fast way to build a large history, with outbound messages too.
 */
export async function storeMessages(gw: TestGateway, phoneNumberId: string, messages: readonly SeedMessage[]): Promise<void> {
  const ctx = { now: gw.clock.now(), inactivityMs: gw.deps.config.conversations.inactivityMs };
  const batch = messages.map((m) => {
    const inbound = (m.direction ?? 'inbound') === 'inbound';
    const waId = m.waId ?? '14155550123';
    const body = m.body ?? `message ${m.id}`;
    const message = {
      phoneNumberId,
      waId,
      profileName: inbound ? (m.profileName ?? null) : null,
      id: m.id,
      type: 'text',
      direction: inbound ? ('inbound' as const) : ('outbound' as const),
      timestamp: m.timestamp,
      status: m.status ?? (inbound ? 'received' : 'sent'),
      processingStatus: inbound ? 'pending' : 'completed',
      payload: inbound ? textMessage(m.id, body, m.timestamp, waId) : { messaging_product: 'whatsapp', to: waId, type: 'text', text: { body } },
      derived: { hasMedia: false, content: body, messageTypeData: {}, previewText: body },
    };
    return { message, ctx };
  });
  await gw.deps.database.db.transaction().execute((trx) => storeConversationMessages(trx, batch));
}

/** GET through the API with a project key; `url` may be a full `paging.next` URL. */
export function getWithKey(gw: TestGateway, apiKey: string, url: string) {
  return gw.app.inject({ method: 'GET', url: withoutOrigin(url), headers: { 'x-api-key': apiKey } });
}

/** The path and query of a URL the gateway built on its public origin. */
export function withoutOrigin(url: string): string {
  if (!/^https?:\/\//.test(url)) return url;
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Asserts Meta's 400 invalid-parameter envelope whose details name `parameter`. */
export function expectInvalidParameter(res: { statusCode: number; json(): unknown }, parameter: string): void {
  expect(res.statusCode).toBe(400);
  expect(res.json()).toEqual({
    error: {
      message: '(#100) Invalid parameter',
      type: 'OAuthException',
      code: 100,
      error_data: { messaging_product: 'whatsapp', details: expect.stringContaining(parameter) },
      fbtrace_id: expect.any(String),
    },
  });
}
