import type { FastifyInstance } from 'fastify';

/**
 * Lets `app.close()` finish as soon as the requests in flight are answered. Node's server.close()
 * (and Fastify's) ends only the keep-alive connections idle at that moment: one whose request was
 * still running keeps the server open after its answer, until the client hangs up or the 72 s
 * keep-alive passes. A busy client (the sandbox simulator's webhook sender, a load balancer's
 * pool) then held `switchboard serve` past its 10 s shutdown. So while closing, each answer says
 * `Connection: close`, and once it is sent the connections left idle are ended.
 */
export function closeConnectionsOnDrain(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // After Node has released the connection of this answer (its own 'finish' listener runs first),
  // so the connection is idle here if the answer went out before the header above could be set.
  app.addHook('onResponse', (_request, _reply, done) => {
    if (closing) app.server.closeIdleConnections();
    done();
  });
}
