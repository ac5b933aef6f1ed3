import Fastify, { type FastifyInstance } from 'fastify';
import { connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { closeConnectionsOnDrain } from '../../src/http/close-connections-on-drain.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A client that keeps its connection open until the server ends it, as a pooled one does. */
function keepAliveClient(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += String(d)));
  const closedByServer = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const send = (path: string) => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  return { socket, send, received: () => received, closedByServer };
}

describe('closing an app drains answers in flight without waiting for kept-alive clients', () => {
  let app: FastifyInstance;
  const clients: Socket[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await app.close();
  });

  /** An app whose /slow answers when `release` is called, and whose /stream sends its body in two parts. */
  async function listening() {
    app = Fastify({ keepAliveTimeout: 72_000 });
    closeConnectionsOnDrain(app);
    let release = () => {};
    let arrived = false;
    const stream = new PassThrough();
    app.get('/fast', async () => ({ ok: true }));
    app.get('/slow', () => {
      arrived = true;
      return new Promise((resolve) => (release = () => resolve({ answered: 'late' })));
    });
    app.get('/stream', (_request, reply) => reply.type('text/plain').send(stream));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { port, arrived: () => arrived, release: () => release(), endStream: () => stream.end('second part'), startStream: () => stream.write('first part ') };
  }

  it('answers a request in flight with Connection: close and closes once it is sent', async () => {
    const { port, arrived, release } = await listening();
    const idle = keepAliveClient(port);
    const busy = keepAliveClient(port);
    clients.push(idle.socket, busy.socket);
    idle.send('/fast');
    await waitFor('the idle client is answered', () => idle.received().includes('{"ok":true}'));
    busy.send('/slow');
    await waitFor('the slow request to reach its handler', arrived);

    const closed = app.close();
    await idle.closedByServer;
    release();
    await busy.closedByServer;
    await closed;
    expect(busy.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(busy.received().toLowerCase()).toContain('\r\nconnection: close\r\n');
    expect(busy.received()).toContain('{"answered":"late"}');
  });

  it('closes a connection whose answer was already being sent when closing began, once it is sent', async () => {
    const { port, startStream, endStream } = await listening();
    const client = keepAliveClient(port);
    clients.push(client.socket);
    client.send('/stream');
    startStream();
    await waitFor('the answer to start', () => client.received().includes('first part'));
    // Its head went out keep-alive, before the app knew it was closing.
    expect(client.received().toLowerCase()).toContain('\r\nconnection: keep-alive\r\n');

    const closed = app.close();
    await waitFor('the app to stop listening', () => !app.server.listening);
    endStream();
    await client.closedByServer;
    await closed;
    expect(client.received()).toContain('second part');
  });
});
