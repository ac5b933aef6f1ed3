import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the gateway made to the Graph origin: method and the raw request target. */
export interface RecordedCall {
  method: string;
  /** Exactly as it came on the request line (path and query, not normalised). */
  target: string;
  authorization: string | undefined;
  /** The X-Request-Id the gateway sent with the call. */
  requestId: string | undefined;
}

/**
 * A stand-in Graph origin that records every request line the gateway sends it and answers
 * like Meta's success shapes (an upload's or a flow's `{ id }`, `{ success: true }`, `{ data: [] }`).
 */
export interface GraphRecorder {
  url: string;
  calls: RecordedCall[];
  /** The id an upload answers with. */
  uploadId: string;
  /** The id a flow creation (`POST /{waba_id}/flows`) answers with. */
  flowId: string;
  close(): Promise<void>;
}

export async function startGraphRecorder(uploadId = '1234567890123456', flowId = '2345678901234567'): Promise<GraphRecorder> {
  const calls: RecordedCall[] = [];
  const server = createServer((req, res) => {
    calls.push({ method: req.method ?? '', target: req.url ?? '', authorization: req.headers.authorization, requestId: req.headers['x-request-id'] as string | undefined });
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const post = req.method === 'POST';
      const body =
        post && path.endsWith('/media')
          ? { id: uploadId }
          : post && path.endsWith('/flows')
            ? { id: flowId, success: true }
            : post && path.endsWith('/messages')
              ? { messaging_product: 'whatsapp', contacts: [{ input: '14155550123', wa_id: '14155550123' }], messages: [{ id: `wamid.RECORDED${calls.length}` }] }
              : req.method === 'GET'
                ? { data: [] }
                : { success: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    uploadId,
    flowId,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Sends a request with its target written byte for byte on the request line (no client-side
 * normalisation of `..`, `%2F` or backslashes, as fetch or inject would do).
 */
export function rawRequest(
  base: string,
  opts: { method: string; target: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: opts.method, path: opts.target, headers: { ...(opts.headers ?? {}), ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
