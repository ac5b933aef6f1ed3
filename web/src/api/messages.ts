import { api, query } from './http.ts';
import type { KapsoMessage, Page, SearchHit } from './types.ts';

export interface MessagePageRequest {
  cursor?: string | null;
  around?: string | null;
  limit?: number;
}

/** A page of a thread, newest first (`next` pages towards older messages). */
export function listMessages(conversationId: string, page: MessagePageRequest = {}): Promise<Page<KapsoMessage>> {
  const q = query({ cursor: page.cursor, around: page.around, limit: page.limit ?? 40 });
  return api(`/inbox/api/conversations/${encodeURIComponent(conversationId)}/messages${q}`);
}

/** A Meta send body without messaging_product/to (the gateway fills them from the conversation). */
export type SendBody = Record<string, unknown> & { type: string };

/**
 * Sends one typed message. The Idempotency-Key is chosen once per typed message and reused by
 * every retry, so a retry after a lost answer never sends twice (docs/inbox-api.md).
 */
export function sendMessage(conversationId: string, body: SendBody, idempotencyKey: string): Promise<{ message: KapsoMessage }> {
  return api(`/inbox/api/conversations/${encodeURIComponent(conversationId)}/messages`, { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey } });
}

export function uploadMedia(phoneNumberId: string, file: File): Promise<{ id: string }> {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', file.type || 'application/octet-stream');
  form.append('file', file, file.name);
  return api(`/inbox/api/numbers/${encodeURIComponent(phoneNumberId)}/media`, { method: 'POST', body: form });
}

export function search(q: string, cursor: string | null): Promise<Page<SearchHit>> {
  return api(`/inbox/api/search${query({ q, cursor, limit: 30 })}`);
}
