import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** A runner's lease holder name: host, process and a random part, unique across restarts. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
