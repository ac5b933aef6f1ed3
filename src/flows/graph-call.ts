import type { FastifyReply } from 'fastify';
import type { Deps } from '../deps.ts';
import type { GraphResponse } from '../graph/graph-client.ts';

export type FlowGraphDeps = Pick<Deps, 'cipher' | 'graph' | 'config'>;

/** Replies with Meta's answer unchanged: status, content type and bytes (Kapso §5: pass-through). */
export function replyWithGraphAnswer(reply: FastifyReply, answer: GraphResponse): FastifyReply {
  return reply.code(answer.statusCode).type(answer.contentType ?? 'application/json').send(answer.body);
}

/** A 2xx answer's JSON object, or undefined (an error answer, or one that is not an object). */
export function successBodyOf(answer: GraphResponse): Record<string, unknown> | undefined {
  if (answer.statusCode < 200 || answer.statusCode >= 300) return undefined;
  try {
    const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
