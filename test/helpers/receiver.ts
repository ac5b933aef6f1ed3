import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver got, body as the exact bytes sent. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read webhook bodies field by field
  json: any;
  at: number;
}

/**
 * A business's webhook endpoint for tests: records every request and answers with whatever
 * `respond` says (200 by default; `'hang'` never answers; `'drop'` destroys the connection).
 */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  respond: (req: ReceivedRequest) => number | 'hang' | 'drop';
  /** Resolves when at least `n` requests arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const receiver: Receiver = {
    url: '',
    requests: [],
    respond: () => 200,
    async waitFor(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (receiver.requests.length < n) {
        if (Date.now() > until) throw new Error(`receiver got ${receiver.requests.length} of ${n} requests`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return receiver.requests;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const received: ReceivedRequest = { headers: req.headers, body, json, at: Date.now() };
      receiver.requests.push(received);
      const answer = receiver.respond(received);
      if (answer === 'hang') return void hanging.add(res);
      if (answer === 'drop') return void res.destroy();
      res.writeHead(answer, { 'content-type': 'application/json' }).end(answer < 300 ? '{"ok":true}' : '{"error":"nope"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
