import type { FastifyReply } from 'fastify';

/** What the proxy answers: Meta's answer as it came (or our replay of it). */
export interface ProxyAnswer {
  statusCode: number;
  contentType: string | undefined;
  body: Buffer;
}

/** Replies with Meta's answer unchanged: status, content type and bytes (Kapso §5: pass-through). */
export function replyWithAnswer(reply: FastifyReply, answer: ProxyAnswer) {
  return reply.code(answer.statusCode).type(answer.contentType ?? 'application/json').send(answer.body);
}
