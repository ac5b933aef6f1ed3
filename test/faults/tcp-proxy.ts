import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 between a test gateway and the shared PostgreSQL server, so a test can
 * make PostgreSQL unreachable for its own gateway alone: the real server is never stopped (other
 * test runs use it).
 */
export interface TcpProxy {
  /** The port the gateway connects to instead of the target's. */
  port: number;
  /**
   * The PostgreSQL backend pids of the connections open through the proxy, read from each
   * session's BackendKeyData message: exactly the gateway's backends, whatever else is connected.
   */
  backendPids(): number[];
  /** Resets every connection through the proxy and every new one until restore(). */
  cut(): void;
  /** Lets connections through again. */
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; pid: number | null }>();
  let refusing = false;
  const server = createServer((client) => {
    // A refused connection is reset at once, as a port nobody listens on is.
    if (refusing) return void client.resetAndDestroy();
    const upstream = createConnection(target);
    const pair = { client, upstream, pid: null as number | null };
    pairs.add(pair);
    watchForBackendPid(upstream, (pid) => (pair.pid = pid));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    backendPids: () => [...pairs].flatMap((p) => (p.pid === null ? [] : [p.pid])),
    cut() {
      refusing = true;
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    restore() {
      refusing = false;
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Reads the server's first messages (each a type byte and an int32 length that counts itself)
 * until BackendKeyData ('K': the backend pid, then its cancel key), then stops looking.
 */
function watchForBackendPid(upstream: Socket, found: (pid: number) => void): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 5) {
      const length = buffered.readInt32BE(1);
      if (buffered.length < 1 + length) return;
      if (buffered[0] === 0x4b) {
        upstream.off('data', onData);
        return found(buffered.readInt32BE(5));
      }
      buffered = buffered.subarray(1 + length);
    }
  };
  upstream.on('data', onData);
}
