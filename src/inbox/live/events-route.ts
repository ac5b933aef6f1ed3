import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { inboxViewsOf } from './inbox-views.ts';
import { tooManyStreams } from './live-errors.ts';
import { DEFAULT_LIVE_TIMINGS, LiveHub, type LiveTimings, MAX_STREAMS_PER_MEMBER } from './live-hub.ts';
import { SseStream } from './sse-stream.ts';

/** How long EventSource waits before reconnecting after the stream ends (a restart, a reset). */
const RETRY_MS = 2_000;

/**
 * `GET /inbox/api/events` (docs/inbox-api.md "Live events"): a `text/event-stream` of the changes
 * of the member's project, resumed after `Last-Event-ID`. One LiveHub per app reads the outbox for
 * every stream; closing the app ends the streams first, so a shutdown never waits for a browser.
 */
export function inboxEventRoutes(timings: LiveTimings = DEFAULT_LIVE_TIMINGS) {
  return async (scope: FastifyInstance, deps: Deps): Promise<void> => {
    const hub = new LiveHub(deps, inboxViewsOf(deps), timings);
    scope.addHook('preClose', async () => hub.close());

    scope.get('/inbox/api/events', async (request, reply) => {
      const { member } = request;
      if (!hub.hasRoomFor(member.userId)) throw tooManyStreams(MAX_STREAMS_PER_MEMBER);
      const stream = new SseStream();
      // The head and a first line go out at once, so the browser knows the stream is open.
      stream.retry(RETRY_MS);
      const { detach, started } = hub.open({ userId: member.userId, projectId: member.projectId, sessionId: member.sessionId }, stream, lastEventIdOf(request.headers['last-event-id']));
      // The response closes when the stream ends or the browser goes away: either way it is detached.
      reply.raw.once('close', detach);
      // Answered once the stream's starting point is fixed: what commits after the 200 is sent.
      await started;
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache')
        // nginx would otherwise buffer the stream and deliver events in bursts.
        .header('x-accel-buffering', 'no')
        // A stream's connection serves nothing after it: when the stream ends (app close, sign-out),
        // the connection goes too, instead of idling open until a timeout holds up the server's close.
        .header('connection', 'close')
        .send(stream.body);
    });
  };
}

/** The seq a browser resumes after; 'invalid' for a value this stream never sent (answered with `reset`). */
function lastEventIdOf(header: string | string[] | undefined): number | 'invalid' | null {
  if (header === undefined || header === '') return null;
  return typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : 'invalid';
}
