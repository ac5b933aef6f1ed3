import { waitFor } from './wait-for.ts';

/** One server-sent event as a browser's EventSource would see it. */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** An open `text/event-stream` read over real HTTP, its events and comments collected as they come. */
export interface SseConnection {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  /** The events named `event`, data parsed. */
  dataOf<T = Record<string, unknown>>(event: string): T[];
  /** Waits until an event passes `test`; returns it. */
  waitForEvent(what: string, test: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens an event stream with fetch (undici), as EventSource does: GET, `Accept: text/event-stream`. */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          parseBlock(buffer.slice(0, cut), events, comments);
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    ended,
    dataOf: <T>(event: string) => events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T),
    async waitForEvent(what, test, timeoutMs = 10_000) {
      await waitFor(what, () => events.some(test), { timeoutMs });
      return events.find(test) as SseEvent;
    },
    close: () => abort.abort(),
  };
}

function parseBlock(block: string, events: SseEvent[], comments: string[]): void {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  let isEvent = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const at = line.indexOf(':');
    const field = at === -1 ? line : line.slice(0, at);
    const value = at === -1 ? '' : line.slice(at + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else continue;
    isEvent = true;
  }
  if (isEvent && (data.length > 0 || id !== null)) events.push({ id, event, data: data.join('\n') });
}
