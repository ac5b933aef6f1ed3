import { Fragment, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { KapsoMessage, Note } from '../api/types.ts';
import { dayLabel, sameDay, toDate } from '../lib/time.ts';
import type { PendingSend } from '../state/outbox.ts';
import { type BubbleActions, MessageBubble } from './message-bubble.tsx';
import { NoteCard } from './note-card.tsx';
import { PendingBubble } from './pending-bubble.tsx';

type Entry = { kind: 'message'; at: Date; message: KapsoMessage } | { kind: 'note'; at: Date; note: Note } | { kind: 'pending'; at: Date; pending: PendingSend };
/** A timeline entry, and whether a day separator goes before it. */
type Item = Entry & { newDay: boolean };

interface StreamProps {
  messages: KapsoMessage[];
  notes: Note[];
  pending: PendingSend[];
  highlightId: string | null;
  hasOlder: boolean;
  hasNewer: boolean;
  canAct: boolean;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  actions: BubbleActions;
}

/**
 * The thread's timeline: messages, notes and unsent messages by time, with day separators.
 * Scrolling near the top loads older pages (keeping the reader's place); near the bottom, newer
 * ones after a jump. It sticks to the bottom while the reader is there, as chats do.
 */
export function MessageStream(props: StreamProps) {
  const { messages, notes, pending, highlightId } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number } | null>(null);

  const reactions = useMemo(() => reactionsByTarget(messages), [messages]);
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const items = useMemo<Item[]>(() => {
    const all: Entry[] = [
      ...messages.filter((m) => m.type !== 'reaction' || !byId.has(reactionTarget(m) ?? '')).map((message) => ({ kind: 'message' as const, at: toDate(message.timestamp), message })),
      ...notes.map((note) => ({ kind: 'note' as const, at: new Date(note.created_at), note })),
      ...pending.map((p) => ({ kind: 'pending' as const, at: new Date(p.createdAt), pending: p })),
    ];
    return all.sort((a, b) => a.at.getTime() - b.at.getTime()).map((item, i, sorted) => ({ ...item, newDay: i === 0 || !sameDay(sorted[i - 1]?.at ?? item.at, item.at) }));
  }, [messages, notes, pending, byId]);

  // Older messages prepended: keep the reader's place instead of jumping to the top.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current) {
      el.scrollTop = el.scrollHeight - anchor.current.height + anchor.current.top;
      anchor.current = null;
    } else if (atBottom.current && !highlightId) el.scrollTop = el.scrollHeight;
  }, [items, highlightId]);

  // A search result opens the thread at its message: scrolled to once it is loaded.
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (!highlightId || scrolledTo.current === highlightId) return;
    const target = document.getElementById(`m-${highlightId}`);
    if (!target) return;
    target.scrollIntoView({ block: 'center' });
    scrolledTo.current = highlightId;
  }, [highlightId, messages]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 200 && props.hasOlder && !anchor.current) {
      anchor.current = { height: el.scrollHeight, top: el.scrollTop };
      void props.loadOlder().catch(() => (anchor.current = null));
    }
    if (atBottom.current && props.hasNewer) void props.loadNewer();
  }

  return (
    <div className="stream" ref={scroller} onScroll={onScroll} role="log" aria-label="Messages" tabIndex={0}>
      {props.hasOlder && (
        <button type="button" className="ghost load-older" onClick={() => void props.loadOlder()}>
          Load older messages
        </button>
      )}
      {items.map((item) => {
        const key = item.kind === 'message' ? item.message.id : item.kind === 'note' ? `note-${item.note.id}` : `pending-${item.pending.key}`;
        return (
          <Fragment key={key}>
            {item.newDay && (
              <p className="day" role="separator">
                <span>{dayLabel(item.at)}</span>
              </p>
            )}
            {item.kind === 'message' && (
              <MessageBubble
                message={item.message}
                quoted={item.message.context?.id ? (byId.get(item.message.context.id) ?? null) : null}
                reactions={reactions.get(item.message.id) ?? []}
                highlighted={item.message.id === highlightId}
                canAct={props.canAct && item.message.type !== 'reaction'}
                actions={props.actions}
              />
            )}
            {item.kind === 'note' && <NoteCard note={item.note} />}
            {item.kind === 'pending' && <PendingBubble pending={item.pending} />}
          </Fragment>
        );
      })}
      {props.hasNewer && (
        <button type="button" className="ghost load-older" onClick={() => void props.loadNewer()}>
          Load newer messages
        </button>
      )}
    </div>
  );
}

function reactionTarget(message: KapsoMessage): string | undefined {
  return (message.reaction as { message_id?: string } | undefined)?.message_id;
}

/** Each message's current reactions: the latest per sender, an empty emoji removing it (Meta §reaction). */
function reactionsByTarget(messages: KapsoMessage[]): Map<string, string[]> {
  const latest = new Map<string, Map<string, string>>();
  for (const m of messages) {
    if (m.type !== 'reaction') continue;
    const target = reactionTarget(m);
    if (!target) continue;
    const sender = m.kapso?.direction ?? 'inbound';
    const bySender = latest.get(target) ?? new Map<string, string>();
    bySender.set(sender, (m.reaction as { emoji?: string }).emoji ?? '');
    latest.set(target, bySender);
  }
  return new Map([...latest].map(([target, bySender]) => [target, [...bySender.values()].filter(Boolean)]));
}
