import { useEffect, useState } from 'react';

// The app's three screens as URLs the gateway serves index.html for (src/inbox/static-routes.ts):
// `/` the list, `/c/:conversationId[?around=MESSAGE_ID]` a thread, `/search?q=` the search.
export type Route =
  | { screen: 'list' }
  | { screen: 'thread'; conversationId: string; around: string | null }
  | { screen: 'search'; q: string };

export function parseRoute(location: Pick<Location, 'pathname' | 'search'>): Route {
  const params = new URLSearchParams(location.search);
  const thread = /^\/c\/([^/]+)\/?$/.exec(location.pathname);
  if (thread?.[1]) return { screen: 'thread', conversationId: decodeURIComponent(thread[1]), around: params.get('around') };
  if (location.pathname === '/search') return { screen: 'search', q: params.get('q') ?? '' };
  return { screen: 'list' };
}

export function hrefOf(route: Route): string {
  if (route.screen === 'thread') return `/c/${encodeURIComponent(route.conversationId)}${route.around ? `?around=${encodeURIComponent(route.around)}` : ''}`;
  if (route.screen === 'search') return `/search${route.q ? `?q=${encodeURIComponent(route.q)}` : ''}`;
  return '/';
}

const listeners = new Set<() => void>();

/** Moves to a screen without a page load. */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const href = hrefOf(route);
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const listener of listeners) listener();
}

/** The current route, updated on navigate() and on the browser's back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}
