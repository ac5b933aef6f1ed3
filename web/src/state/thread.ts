import { useCallback, useEffect, useRef, useState } from 'react';
import { listMessages } from '../api/messages.ts';
import type { KapsoMessage, MetaError, Note } from '../api/types.ts';
import type { LiveFeed } from '../live/events.ts';
import { threadStart } from './prefetch.ts';

export interface ThreadState {
  /** Oldest first. */
  messages: KapsoMessage[];
  notes: Note[];
  loading: boolean;
  error: string | null;
  hasOlder: boolean;
  hasNewer: boolean;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  /** Adds a message the gateway just accepted (from this tab's composer). */
  add(message: KapsoMessage): void;
  addNote(note: Note): void;
}

const STATUS_RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Merges messages (oldest first) into a thread, one per id, oldest first; of equal timestamps
 * the order the gateway gave (its arrival order) is kept, as the sort is stable. Of two copies the
 * one with the more advanced status wins: a send's answer can arrive after the live events of its
 * later statuses.
 */
export function mergeMessages(current: KapsoMessage[], incoming: KapsoMessage[]): KapsoMessage[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  const added: KapsoMessage[] = [];
  for (const message of incoming) {
    const known = byId.get(message.id);
    if (!known) added.push(message);
    if (!known || rankOf(message) >= rankOf(known)) byId.set(message.id, message);
  }
  return [...current.map((m) => byId.get(m.id) ?? m), ...added].sort((a, b) => Number(a.timestamp) - Number(b.timestamp));
}

function rankOf(message: KapsoMessage): number {
  return STATUS_RANK[message.kapso?.status ?? 'pending'] ?? -1;
}

/** A status event applied to a message; a status never moves backwards (design.md, Invariants). */
export function applyStatus(message: KapsoMessage, status: string, errors: MetaError[] | null | undefined): KapsoMessage {
  const kapso = message.kapso ?? {};
  if ((STATUS_RANK[status] ?? -1) <= (STATUS_RANK[kapso.status ?? 'pending'] ?? -1)) return message;
  const statuses = [...(kapso.statuses ?? []), { status, ...(errors ? { errors } : {}) }];
  return { ...message, kapso: { ...kapso, status, statuses } };
}

/**
 * One conversation's thread: a page of the newest messages (or the page around a search hit),
 * older pages on scroll up, newer ones on scroll down after a jump, live messages and statuses.
 */
export function useThread(conversationId: string, around: string | null, feed: LiveFeed | null): ThreadState {
  const [messages, setMessages] = useState<KapsoMessage[]>([]);
  const [notes, setNotes] = useState<Note[]>([]);
  const [older, setOlder] = useState<string | null>(null);
  const [newer, setNewer] = useState<string | null>(null);
  const [loadedKey, setLoadedKey] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const busy = useRef(false);
  const newerRef = useRef(newer);
  useEffect(() => {
    newerRef.current = newer;
  });

  const requestKey = `${conversationId} ${around ?? ''} ${generation}`;
  useEffect(() => {
    let live = true;
    threadStart(conversationId, around)
      .then(([page, noteList]) => {
        if (!live) return;
        // Pages come newest first.
        setMessages(mergeMessages([], [...page.data].reverse()));
        setOlder(page.paging.next);
        setNewer(around ? (page.paging.previous ?? null) : null);
        setNotes(noteList.data);
        setError(null);
      })
      .catch((err: unknown) => live && setError(err instanceof Error ? err.message : 'Could not load the conversation'))
      .finally(() => live && setLoadedKey(requestKey));
    return () => {
      live = false;
    };
  }, [conversationId, around, requestKey]);

  const loadPage = useCallback(
    async (cursor: string | null, direction: 'older' | 'newer') => {
      if (!cursor || busy.current) return;
      busy.current = true;
      try {
        const page = await listMessages(conversationId, { cursor });
        setMessages((current) => mergeMessages(current, [...page.data].reverse()));
        if (direction === 'older') setOlder(page.paging.next);
        else setNewer(page.paging.previous ?? null);
      } finally {
        busy.current = false;
      }
    },
    [conversationId],
  );

  useEffect(() => {
    if (!feed) return;
    return feed.subscribe((event) => {
      if (event.kind === 'reconnected') setGeneration((g) => g + 1);
      else if (event.kind === 'message' && event.conversation_id === conversationId) {
        // After a jump to an older message the newest page is not loaded: it arrives by paging.
        if (newerRef.current === null) setMessages((current) => mergeMessages(current, [event.message]));
      } else if (event.kind === 'status' && event.conversation_id === conversationId) {
        setMessages((current) => current.map((m) => (m.id === event.message_id ? applyStatus(m, event.status, event.errors) : m)));
      } else if (event.kind === 'note' && event.note?.conversation_id === conversationId && typeof event.note.body === 'string') {
        setNotes((current) => (current.some((n) => n.id === event.note.id) ? current : [...current, event.note]));
      }
    });
  }, [feed, conversationId]);

  return {
    messages,
    notes,
    loading: loadedKey !== requestKey,
    error,
    hasOlder: older !== null,
    hasNewer: newer !== null,
    loadOlder: () => loadPage(older, 'older'),
    loadNewer: () => loadPage(newer, 'newer'),
    add: useCallback((message: KapsoMessage) => setMessages((current) => mergeMessages(current, [message])), []),
    addNote: useCallback((note: Note) => setNotes((current) => (current.some((n) => n.id === note.id) ? current : [...current, note])), []),
  };
}
