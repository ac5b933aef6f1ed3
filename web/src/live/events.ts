import type { InboxConversation, KapsoMessage, MetaError, Note } from '../api/types.ts';

// The inbox's live feed (GET /inbox/api/events, server-sent events). EventSource resumes after a
// reconnect with Last-Event-ID by itself; the gateway answers from the outbox without gaps or
// duplicates. Events are hints: screens merge them into what they show, and refetch when unsure.

export type LiveEvent =
  | { kind: 'message'; conversation_id: string; message: KapsoMessage }
  | { kind: 'status'; conversation_id: string; message_id: string; status: string; errors?: MetaError[] | null }
  | { kind: 'conversation'; conversation: Partial<InboxConversation> & { id: string } }
  | { kind: 'note'; note: Note }
  | { kind: 'reconnected' };

type Listener = (event: LiveEvent) => void;

/**
 * Whether a `conversation` event carries the whole InboxConversation; the screens refetch the
 * conversation when it does not (events are hints).
 */
export function isWholeConversation(c: Partial<InboxConversation> | null | undefined): c is InboxConversation {
  return typeof c?.id === 'string' && typeof c.contact === 'object' && c.contact !== null && typeof c.status === 'string' && typeof c.last_active_at === 'string';
}

const KINDS = ['message', 'status', 'conversation', 'note'] as const;

export interface LiveFeed {
  subscribe(listener: Listener): () => void;
  /** Connects; `onState` says whether the feed is connected. */
  start(onState: (connected: boolean) => void): void;
  stop(): void;
}

/** The feed of the signed-in member's project; it connects on start(). */
export function createLiveFeed(): LiveFeed {
  const listeners = new Set<Listener>();
  const emit = (event: LiveEvent) => {
    for (const listener of listeners) listener(event);
  };
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let opened = false;

  function connect(onState: (connected: boolean) => void, attempt: number) {
    const current = new EventSource('/inbox/api/events', { withCredentials: true });
    source = current;
    current.onopen = () => {
      onState(true);
      attempt = 0;
      // After a drop, what happened meanwhile is replayed by the gateway when the browser resumed
      // with Last-Event-ID; screens refetch anyway, as a new connection resumes from nothing.
      if (opened) emit({ kind: 'reconnected' });
      opened = true;
    };
    current.onerror = () => {
      onState(false);
      // The browser retries a dropped stream by itself, but gives up on an error answer (a
      // restart, a 5xx): then a new stream is opened, backing off up to 30 s.
      if (current.readyState === EventSource.CLOSED && source === current) {
        retry = setTimeout(() => connect(onState, attempt + 1), Math.min(30_000, 1000 * 2 ** attempt));
      }
    };
    // Away too long for the gateway to replay what was missed: refetch everything shown.
    current.addEventListener('reset', () => emit({ kind: 'reconnected' }));
    for (const kind of KINDS) {
      current.addEventListener(kind, (message: MessageEvent<string>) => {
        try {
          emit({ kind, ...(JSON.parse(message.data) as object) } as LiveEvent);
        } catch {
          // A malformed event is only a hint lost; the next refetch shows the truth.
        }
      });
    }
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    start(onState) {
      this.stop();
      connect(onState, 0);
    },
    stop() {
      clearTimeout(retry);
      source?.close();
      source = null;
    },
  };
}
