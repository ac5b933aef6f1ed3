import { type Latency, measureLatency } from './inbox-latency.ts';
import type { InboxWorld } from './inbox-world.ts';

/** The page sizes the web app asks for (web/src/api/*.ts), so the API is measured as the app uses it. */
export const APP_PAGE = { conversations: 30, messages: 40, search: 30 } as const;

/** The first screen's requests, measured from this process with the member's cookie. */
export interface FirstScreenApi {
  conversations: Latency;
  /** The first page of a conversation of the ordinary size. */
  threadPage: Latency;
  /** The first page of the long thread. */
  longThreadPage: Latency;
}

export function cookieHeaders(world: InboxWorld): Record<string, string> {
  return { cookie: world.cookie };
}

function conversationsUrl(world: InboxWorld): string {
  return `${world.baseUrl}/inbox/api/conversations?status=active&assigned=any&limit=${APP_PAGE.conversations}`;
}

/** The contact name the list shows first (the newest conversation's), which the browser waits for. */
export async function firstContactName(world: InboxWorld): Promise<string> {
  const res = await fetch(conversationsUrl(world), { headers: cookieHeaders(world) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET /inbox/api/conversations answered ${res.status}: ${body.slice(0, 300)}`);
  const top = (JSON.parse(body) as { data: Array<{ contact: { name: string | null; wa_id: string | null } }> }).data[0];
  if (!top) throw new Error('GET /inbox/api/conversations answered no conversation');
  return top.contact.name ?? `+${top.contact.wa_id}`;
}

/** `GET /inbox/api/conversations` (first page) and a thread's first page, p50/p99 over `samples`. */
export async function measureFirstScreenApi(world: InboxWorld, samples: number): Promise<FirstScreenApi> {
  const headers = cookieHeaders(world);
  await firstContactName(world);
  return {
    conversations: await measureLatency(conversationsUrl(world), headers, samples),
    threadPage: await measureLatency(messagesUrl(world, world.main.dataset.conversationIds[0] as string), headers, samples),
    longThreadPage: await measureLatency(messagesUrl(world, world.thread.dataset.conversationIds[0] as string), headers, samples),
  };
}

function messagesUrl(world: InboxWorld, conversationId: string): string {
  return `${world.baseUrl}/inbox/api/conversations/${encodeURIComponent(conversationId)}/messages?limit=${APP_PAGE.messages}`;
}

/** One search term, through the inbox's route and through the Graph-style API's `q`. */
export interface SearchFigure {
  q: string;
  what: string;
  inbox: Latency;
  graph: Latency;
}

/**
 * Search latency on the whole store: a word in nearly every message, two words in about half of
 * them, a word in a few dozen (the live messages), and a word in none. The inbox route searches
 * the project; the Graph-style route one number (the one holding all but the long thread).
 */
export async function measureSearch(world: InboxWorld, samples: number, rareWord: string): Promise<SearchFigure[]> {
  const terms = [
    { q: 'order', what: 'a word in nearly every message' },
    { q: 'ship Portugal', what: 'two words, about half the messages' },
    { q: rareWord, what: 'a word in the live messages only' },
    { q: 'zebra', what: 'a word in no message' },
  ];
  const figures: SearchFigure[] = [];
  for (const { q, what } of terms) {
    const query = `q=${encodeURIComponent(q)}&limit=${APP_PAGE.search}`;
    figures.push({
      q,
      what,
      inbox: await measureLatency(`${world.baseUrl}/inbox/api/search?${query}`, cookieHeaders(world), samples),
      graph: await measureLatency(`${world.baseUrl}/v24.0/${world.main.number.phoneNumberId}/messages?${query}`, { 'x-api-key': world.apiKey }, samples),
    });
  }
  return figures;
}
