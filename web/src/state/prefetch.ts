import { type ConversationFilter, DEFAULT_FILTER, getConversation, listConversations, listNotes } from '../api/conversations.ts';
import { listMessages } from '../api/messages.ts';
import { loadSession } from '../api/session.ts';
import type { InboxConversation, KapsoMessage, Note, Page, Session } from '../api/types.ts';
import type { Route } from '../lib/router.ts';

// The first screen's data is requested at script start, beside the session, instead of after it:
// one round trip before the inbox shows, not two. The hooks that would fetch the same take each
// answer once; without a session the answers (401s) are dropped unseen.

/** A thread's first page of messages (newest first) and its notes. */
export type ThreadStart = [Page<KapsoMessage>, { data: Note[] }];

/** A request made ahead, for the one key (a filter, a thread) it answers. */
interface Prefetch<T> {
  key: string;
  answer: Promise<T>;
}

let list: Prefetch<Page<InboxConversation>> | null = null;
let thread: Prefetch<ThreadStart> | null = null;
let conversation: Prefetch<InboxConversation> | null = null;

/** Loads the session and, at the same time, the list (default filter) and the thread the URL names. */
export function startFirstScreen(route: Route): Promise<Session | null> {
  const session = loadSession();
  list = { key: filterKey(DEFAULT_FILTER), answer: quietly(listConversations(DEFAULT_FILTER, null)) };
  if (route.screen === 'thread') {
    const { conversationId, around } = route;
    thread = { key: threadKey(conversationId, around), answer: quietly(fetchThreadStart(conversationId, around)) };
    conversation = { key: conversationId, answer: quietly(getConversation(conversationId)) };
  }
  return session.then((s) => {
    if (!s) list = thread = conversation = null;
    return s;
  });
}

// Each prefetched answer is handed out once and only for its key: a later load of the same list or
// thread (another visit, a reconnect) asks the gateway anew.

/** The list's first page for `filter`: the prefetched one when it matches, else a new request. */
export function firstListPage(filter: ConversationFilter, signal: AbortSignal): Promise<Page<InboxConversation>> {
  const taken = take(list, filterKey(filter));
  list = null;
  return taken ?? listConversations(filter, null, signal);
}

/** A thread's first page and its notes: the prefetched ones when they match, else new requests. */
export function threadStart(conversationId: string, around: string | null): Promise<ThreadStart> {
  const taken = take(thread, threadKey(conversationId, around));
  thread = null;
  return taken ?? fetchThreadStart(conversationId, around);
}

/** The open conversation: the prefetched one when it matches, else a new request. */
export function openConversation(conversationId: string): Promise<InboxConversation> {
  const taken = take(conversation, conversationId);
  conversation = null;
  return taken ?? getConversation(conversationId);
}

function take<T>(prefetch: Prefetch<T> | null, key: string): Promise<T> | null {
  return prefetch?.key === key ? prefetch.answer : null;
}

function fetchThreadStart(conversationId: string, around: string | null): Promise<ThreadStart> {
  return Promise.all([listMessages(conversationId, { around }), listNotes(conversationId)]);
}

function filterKey(f: ConversationFilter): string {
  return `${f.status} ${f.assigned} ${f.phoneNumberId}`;
}

function threadKey(conversationId: string, around: string | null): string {
  return `${conversationId} ${around ?? ''}`;
}

/** The same promise, with its rejection marked handled: a prefetch nobody takes fails silently. */
function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
