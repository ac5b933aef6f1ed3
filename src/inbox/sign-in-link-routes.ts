import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { readSignInLink, signInWithLink } from '../tenants/member-sessions.ts';
import { inboxErrors } from './inbox-errors.ts';
import { isSameOrigin } from './same-origin.ts';
import { setSessionCookie } from './session-cookie.ts';
import { signInLinkSchema } from './session-schemas.ts';
import { SIGN_IN_LINK_PAGE_HEADERS, signInLinkPage } from './sign-in-link-page.ts';

type LinkDeps = Pick<Deps, 'database' | 'clock' | 'config'>;

/** The page's form has no fields; a browser still sends a form body, read (at most 1 KiB) and ignored. */
const FORM_BODY_LIMIT_BYTES = 1024;

/**
 * The one-time sign-in link (docs/inbox-api.md "Signing in"): GET shows whom it signs in and a
 * **Sign in** button, spending nothing; the button's same-origin POST spends it. Register in a
 * scope of its own: the form body parser added here is for these routes only.
 */
export async function signInLinkRoutes(app: FastifyInstance, deps: LinkDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES }, (_request, _body, done) => done(null, undefined));

  // GET only: Fastify would answer HEAD by running this handler; a HEAD answers 404 instead.
  r.get('/inbox/sign-in/:token', { schema: signInLinkSchema, exposeHeadRoute: false }, async (request, reply) => {
    const member = await readSignInLink(deps, request.params.token);
    return reply.headers(SIGN_IN_LINK_PAGE_HEADERS).type('text/html; charset=utf-8').send(signInLinkPage(request.params.token, member));
  });

  r.post('/inbox/sign-in/:token', { schema: signInLinkSchema, bodyLimit: FORM_BODY_LIMIT_BYTES }, async (request, reply) => {
    // Login CSRF: another site's form would sign the browser in to the link's (the other site's)
    // account. Browsers send Origin on every form POST, so the check refuses it before the link is
    // spent. No Origin (curl, scripts; no browser omits it on a POST) is allowed, as for the password.
    if (!isSameOrigin(request, deps.config.http.publicUrl)) throw inboxErrors.csrfRefused('origin');
    const started = await signInWithLink(deps, request.params.token);
    if (started) setSessionCookie(reply, deps.config, started.token);
    // The token is in this URL: keep it out of caches and of the next page's Referer.
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return reply.redirect(started ? '/' : '/?sign_in=expired', 303);
  });
}
