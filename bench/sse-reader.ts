import { request } from 'undici';

/** An open `GET /inbox/api/events` stream, read as it arrives. */
export interface EventStream {
  /** When (Date.now()) the `message` event of each wamid arrived. */
  readonly messageArrivals: Map<string, number>;
  /** Resolves with the arrival time of `wamid`'s message event, or null after `timeoutMs`. */
  waitForMessage(wamid: string, timeoutMs: number): Promise<number | null>;
  close(): void;
}

/**
 * Opens the live stream with the member's cookie and parses server-sent events (WHATWG HTML
 * §9.2: fields up to a blank line; `data` lines joined by newlines). When the stream does not
 * open with 200, returns the status and body instead.
 */
export async function openEventStream(baseUrl: string, cookie: string): Promise<EventStream | { status: number; body: string }> {
  const controller = new AbortController();
  const res = await request(`${baseUrl}/inbox/api/events`, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal, bodyTimeout: 0 });
  if (res.statusCode !== 200) {
    const body = await res.body.text();
    return { status: res.statusCode, body };
  }
  const messageArrivals = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  let buffer = '';
  // undici's body ignores setEncoding: decode here, keeping a character split across chunks whole.
  const decoder = new TextDecoder();
  res.body.on('data', (chunk: Buffer) => {
    const at = Date.now();
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const wamid = messageIdOf(block);
      if (wamid && !messageArrivals.has(wamid)) {
        messageArrivals.set(wamid, at);
        waiters.get(wamid)?.(at);
      }
    }
  });
  res.body.on('error', () => undefined);
  return {
    messageArrivals,
    waitForMessage(wamid, timeoutMs) {
      const known = messageArrivals.get(wamid);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(wamid);
          resolve(null);
        }, timeoutMs);
        waiters.set(wamid, (at) => {
          clearTimeout(timer);
          waiters.delete(wamid);
          resolve(at);
        });
      });
    },
    close: () => controller.abort(),
  };
}

/** The message id of a `message` event block, or null for any other event or a comment. */
function messageIdOf(block: string): string | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    if (field === 'data') data.push(value);
  }
  if (event !== 'message' || data.length === 0) return null;
  try {
    return (JSON.parse(data.join('\n')) as { message?: { id?: string } }).message?.id ?? null;
  } catch {
    return null;
  }
}
