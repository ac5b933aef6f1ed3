import { type KeyboardEvent, useEffect, useRef } from 'react';
import type { InboxConversation } from '../api/types.ts';
import { navigate } from '../lib/router.ts';
import { shortTime } from '../lib/time.ts';
import type { ConversationListState } from '../state/conversation-list.ts';
import { contactLabel, previewOf } from './labels.ts';
import { StatusTicks } from './ticks.tsx';

/**
 * The conversation list: newest activity first, infinite scroll on the gateway's cursor, arrow
 * keys move between conversations and Enter opens one.
 */
export function ConversationList({ state, openId, numberLabels }: { state: ConversationListState; openId: string | null; numberLabels: Map<string, string> | null }) {
  const sentinel = useRef<HTMLLIElement>(null);
  const { loadMore, hasMore } = state;

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasMore) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [loadMore, hasMore]);

  function moveFocus(event: KeyboardEvent<HTMLUListElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a.conversation')];
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[event.key === 'ArrowDown' ? Math.min(index + 1, links.length - 1) : Math.max(index - 1, 0)];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  if (state.error && state.items.length === 0) return <p className="error" role="alert">{state.error}</p>;
  if (!state.loading && state.items.length === 0) return <p className="empty">No conversations here yet.</p>;
  return (
    <ul className="conversations" onKeyDown={moveFocus}>
      {state.items.map((c) => (
        <li key={c.id}>
          <ConversationItem conversation={c} open={c.id === openId} numberLabel={numberLabels?.get(c.phone_number_id) ?? null} />
        </li>
      ))}
      {hasMore && (
        <li ref={sentinel} className="loading-more">
          <button type="button" className="ghost" onClick={loadMore}>
            Load more conversations
          </button>
        </li>
      )}
    </ul>
  );
}

function ConversationItem({ conversation: c, open, numberLabel }: { conversation: InboxConversation; open: boolean; numberLabel: string | null }) {
  const last = c.last_message;
  return (
    <a
      className={open ? 'conversation open' : 'conversation'}
      href={`/c/${encodeURIComponent(c.id)}`}
      aria-current={open ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate({ screen: 'thread', conversationId: c.id, around: null });
      }}
    >
      <span className="avatar" aria-hidden="true">
        {initialOf(contactLabel(c.contact))}
      </span>
      <span className="summary">
        <span className="line">
          <span className="name">{contactLabel(c.contact)}</span>
          <time dateTime={c.last_active_at}>{shortTime(new Date(c.last_active_at))}</time>
        </span>
        <span className="line">
          <span className="preview">
            {last?.direction === 'outbound' && <StatusTicks status={last.status} />}
            {last ? previewOf(last.type, last.text) : 'No messages yet'}
          </span>
          {c.unread_count > 0 && (
            <span className="badge" aria-label={`${c.unread_count} unread`}>
              {c.unread_count}
            </span>
          )}
        </span>
        {(numberLabel || c.status === 'ended' || c.assignee) && (
          <span className="meta">
            {c.status === 'ended' && <span className="tag">Ended</span>}
            {c.assignee && <span className="tag">{c.assignee.email}</span>}
            {numberLabel && <span className="tag">{numberLabel}</span>}
          </span>
        )}
      </span>
    </a>
  );
}

function initialOf(name: string): string {
  return [...name.trim()][0]?.toUpperCase() ?? '#';
}
