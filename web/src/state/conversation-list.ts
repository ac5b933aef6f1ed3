import { useCallback, useEffect, useRef, useState } from 'react';
import { type ConversationFilter, getConversation, listConversations } from '../api/conversations.ts';
import type { InboxConversation } from '../api/types.ts';
import { isWholeConversation, type LiveFeed } from '../live/events.ts';
import { firstListPage } from './prefetch.ts';

export interface ConversationListState {
  items: InboxConversation[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore(): void;
  /** Puts a changed conversation in its place (or takes it out when it no longer matches). */
  upsert(conversation: InboxConversation): void;
}

/** Whether a conversation belongs in a list with this filter, as the gateway would decide. */
export function matchesFilter(c: InboxConversation, filter: ConversationFilter, memberId: string): boolean {
  if (filter.status !== 'all' && c.status !== filter.status) return false;
  if (filter.assigned === 'me' && c.assignee?.id !== memberId) return false;
  if (filter.assigned === 'unassigned' && c.assignee !== null) return false;
  return !filter.phoneNumberId || c.phone_number_id === filter.phoneNumberId;
}

function byActivity(a: InboxConversation, b: InboxConversation): number {
  return b.last_active_at.localeCompare(a.last_active_at) || b.id.localeCompare(a.id);
}

/**
 * The conversation list for a filter: newest activity first, paged with the gateway's cursor,
 * kept current by the live feed (a message refetches its conversation, which moves to the top).
 */
export function useConversationList(filter: ConversationFilter, memberId: string, feed: LiveFeed | null): ConversationListState {
  const [items, setItems] = useState<InboxConversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loadedFor, setLoadedFor] = useState<{ filter: ConversationFilter; generation: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const loadingMore = useRef(false);
  const filterRef = useRef(filter);
  const itemsRef = useRef(items);
  useEffect(() => {
    filterRef.current = filter;
    itemsRef.current = items;
  });

  useEffect(() => {
    const controller = new AbortController();
    firstListPage(filter, controller.signal)
      .then((page) => {
        setItems(page.data);
        setCursor(page.paging.next);
        setHasMore(page.paging.next !== null);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err instanceof Error ? err.message : 'Could not load conversations');
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoadedFor({ filter, generation });
      });
    return () => controller.abort();
  }, [filter, generation]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore.current) return;
    loadingMore.current = true;
    listConversations(filterRef.current, cursor)
      .then((page) => {
        setItems((current) => {
          const known = new Set(current.map((c) => c.id));
          return [...current, ...page.data.filter((c) => !known.has(c.id))];
        });
        setCursor(page.paging.next);
        setHasMore(page.paging.next !== null);
      })
      .catch(() => setError('Could not load more conversations'))
      .finally(() => (loadingMore.current = false));
  }, [cursor]);

  const upsert = useCallback(
    (conversation: InboxConversation) => {
      setItems((current) => {
        const rest = current.filter((c) => c.id !== conversation.id);
        if (!matchesFilter(conversation, filterRef.current, memberId)) return rest;
        return [...rest, conversation].sort(byActivity);
      });
    },
    [memberId],
  );

  useEffect(() => {
    if (!feed) return;
    return feed.subscribe((event) => {
      if (event.kind === 'conversation') {
        if (isWholeConversation(event.conversation)) upsert(event.conversation);
        else getConversation(event.conversation.id).then(upsert, () => undefined);
      }
      else if (event.kind === 'message' || (event.kind === 'status' && itemsRef.current.some((c) => c.last_message?.id === event.message_id))) {
        // The list shows the last message, its ticks and unread counts: refetch the one row.
        getConversation(event.conversation_id).then(upsert, () => undefined);
      } else if (event.kind === 'reconnected') setGeneration((g) => g + 1);
    });
  }, [feed, upsert]);

  const loading = loadedFor?.filter !== filter || loadedFor.generation !== generation;
  return { items, loading, error, hasMore, loadMore, upsert };
}
