import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Servers on 127.0.0.1 that misbehave the way an outside party can (Meta, a webhook receiver, a
 * media link, S3): accept and never answer, reset mid-response, answer garbage, drip. Each
 * records what it saw, so tests assert on events, never on elapsed time.
 */
export interface FaultServer {
  url: string;
  /** Connections accepted so far. */
  connections: number;
  /** Connections closed so far (by either side). */
  closed: number;
  close(): Promise<void>;
}

/** A raw TCP server: `onSocket` decides what each accepted connection gets. */
export async function startTcpFault(onSocket: (socket: Socket) => void): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const fault: FaultServer = { url: '', connections: 0, closed: 0, close: async () => undefined };
  const server = createTcpServer((socket) => {
    fault.connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      fault.closed++;
      sockets.delete(socket);
    });
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fault.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fault.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return fault;
}

/** Accepts connections, reads whatever comes, and never answers. */
export const startHangingServer = () => startTcpFault((socket) => socket.resume());

/** Reads the request head, then resets the connection (TCP RST), optionally after a partial answer. */
export function startResettingServer(partialAnswer = ''): Promise<FaultServer> {
  return startTcpFault((socket) => {
    socket.once('data', () => {
      if (partialAnswer) socket.write(partialAnswer);
      setImmediate(() => socket.resetAndDestroy());
    });
  });
}

/** An HTTP server whose handler answers as the test says; open responses are destroyed on close. */
export async function startHttpFault(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<FaultServer> {
  const open = new Set<ServerResponse>();
  const fault: FaultServer = { url: '', connections: 0, closed: 0, close: async () => undefined };
  const server = createHttpServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket: Socket) => {
    fault.connections++;
    socket.on('close', () => fault.closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fault.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fault.close = async () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return fault;
}

/** Answers 200 with `contentType` and then one byte every `everyMs`, never ending. */
export function drip(res: ServerResponse, everyMs: number, contentType = 'application/octet-stream'): void {
  res.writeHead(200, { 'content-type': contentType });
  const timer = setInterval(() => res.write('a'), everyMs);
  res.on('close', () => clearInterval(timer));
}

