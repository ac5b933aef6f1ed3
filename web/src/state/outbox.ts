import { useCallback, useEffect, useState } from 'react';
import { ApiError, isNetworkError } from '../api/http.ts';
import { sendMessage, type SendBody } from '../api/messages.ts';
import type { KapsoMessage } from '../api/types.ts';

// Messages typed but not yet accepted by the gateway. Each keeps the Idempotency-Key chosen when
// it was typed, so a retry (by hand, or when the browser comes back online) answers the first
// send's result instead of sending twice. They live in localStorage until the gateway accepts
// them: a message is never silently dropped, even across a reload.

export interface PendingSend {
  key: string;
  conversationId: string;
  body: SendBody;
  createdAt: string;
  state: 'sending' | 'failed';
  error: string | null;
}

const STORAGE_KEY = 'switchboard.outbox';
const listeners = new Set<() => void>();
const sentListeners = new Set<(conversationId: string, message: KapsoMessage) => void>();
let pending: PendingSend[] = read();

function read(): PendingSend[] {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as PendingSend[];
    // A send interrupted by a reload is unknown: shown as failed, retried with its key.
    return stored.map((item) => (item.state === 'sending' ? { ...item, state: 'failed', error: 'Not sent yet' } : item));
  } catch {
    return [];
  }
}

function update(next: PendingSend[]): void {
  pending = next;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(pending));
  } catch {
    // Storage full: still kept in memory and on screen.
  }
  for (const listener of listeners) listener();
}

function patch(key: string, change: Partial<PendingSend>): void {
  update(pending.map((item) => (item.key === key ? { ...item, ...change } : item)));
}

/** Sends (or resends) one pending message; resolves with the stored message once accepted. */
async function attempt(item: PendingSend): Promise<KapsoMessage | null> {
  patch(item.key, { state: 'sending', error: null });
  try {
    const { message } = await sendMessage(item.conversationId, item.body, item.key);
    update(pending.filter((p) => p.key !== item.key));
    for (const listener of sentListeners) listener(item.conversationId, message);
    return message;
  } catch (err) {
    patch(item.key, { state: 'failed', error: describeSendError(err) });
    // The first send with this key is still in flight: try again shortly.
    if (err instanceof ApiError && err.status === 409 && err.code === 2) setTimeout(() => void retrySend(item.key), 1500);
    return null;
  }
}

function describeSendError(err: unknown): string {
  if (isNetworkError(err) || !navigator.onLine) return 'Offline: not sent';
  if (err instanceof ApiError) return err.retryAfterSec ? `${err.message} (retry in ${err.retryAfterSec} s)` : err.message;
  return 'Not sent';
}

/** Queues a typed message and sends it; answers the stored message, or null if it is kept for retry. */
export function queueSend(conversationId: string, body: SendBody): Promise<KapsoMessage | null> {
  const item: PendingSend = { key: crypto.randomUUID(), conversationId, body, createdAt: new Date().toISOString(), state: 'sending', error: null };
  update([...pending, item]);
  return attempt(item);
}

/** Sends a failed message again with the same Idempotency-Key. */
export function retrySend(key: string): Promise<KapsoMessage | null> {
  const item = pending.find((p) => p.key === key);
  if (!item || item.state === 'sending') return Promise.resolve(null);
  return attempt(item);
}

/** Removes a failed message the agent chose to discard. */
export function discardSend(key: string): void {
  update(pending.filter((p) => p.key !== key));
}

/**
 * Calls `listener` with each message the gateway accepts, whoever sent it: the composer, Retry, or
 * the retry when the browser comes back online. Answers the unsubscribe function.
 */
export function onSent(listener: (conversationId: string, message: KapsoMessage) => void): () => void {
  sentListeners.add(listener);
  return () => void sentListeners.delete(listener);
}

/** The conversation's messages not yet accepted, oldest first. */
export function usePendingSends(conversationId: string): PendingSend[] {
  const select = useCallback(() => pending.filter((p) => p.conversationId === conversationId), [conversationId]);
  const [items, setItems] = useState(select);
  useEffect(() => {
    const listener = () => setItems(select());
    listener();
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, [select]);
  return items;
}

// Back online: every failed message is retried with its key.
window.addEventListener('online', () => {
  for (const item of pending) if (item.state === 'failed') void attempt(item);
});
