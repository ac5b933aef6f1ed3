import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { installMemberAuth } from './member-auth.ts';
import { inboxEventRoutes } from './live/events-route.ts';
import { inboxSearchRoutes } from './search-routes.ts';
import { memberSessionRoutes, signInRoutes } from './session-routes.ts';
import { signInLinkRoutes } from './sign-in-link-routes.ts';
import { inboxConversationRoutes } from './conversation-routes.ts';
import { inboxDirectoryRoutes } from './directory-routes.ts';
import { inboxMediaRoutes } from './media-upload-route.ts';
import { inboxThreadRoutes } from './thread-routes.ts';

/** Registers routes that need a signed-in member: `request.member` is set on each of them. */
export type ProtectedInboxRoutes = (scope: FastifyInstance, deps: Deps) => Promise<void>;

/**
 * Every route of the inbox API behind the session cookie (docs/inbox-api.md). Add a domain's inbox
 * routes by appending its registration function here; each runs in the one authenticated scope.
 */
export const protectedInboxRoutes: ProtectedInboxRoutes[] = [
  memberSessionRoutes,
  inboxConversationRoutes,
  inboxThreadRoutes,
  inboxDirectoryRoutes,
  inboxMediaRoutes,
  inboxSearchRoutes,
  inboxEventRoutes(),
];

/**
 * The team inbox's browser API (`/inbox/…`): sign-in routes in the open, everything else behind
 * installMemberAuth. An internal API of the web app, not the Kapso contract, so its routes are
 * left out of the OpenAPI document.
 */
export async function inboxRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true } as typeof route.schema;
  });
  await app.register(fastifyCookie);
  await signInRoutes(app, deps);
  // A scope of its own, so its form body parser stays its own.
  await app.register(async (scope) => signInLinkRoutes(scope, deps));
  await app.register(async (scope) => {
    installMemberAuth(scope, deps);
    for (const routes of protectedInboxRoutes) await routes(scope, deps);
  });
}
