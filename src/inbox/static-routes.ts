import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { inboxHtmlHeaders } from './web-headers.ts';

/**
 * The built team inbox (`npm run build` writes it). Two levels up from this file is the package
 * root both from src/inbox/ (tsx) and from dist/inbox/ (compiled), as src/version.ts relies on.
 */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The app's screens: each answers index.html and the app's router shows the screen. */
const CLIENT_ROUTES = ['/', '/c/:conversationId', '/search'];

// Vite names assets by content hash: a changed file is a new URL, so browsers may keep any for a year.
const ASSET_CACHE = 'public, max-age=31536000, immutable';

export interface StaticRoutesOptions {
  publicUrl: string;
  /** The built app's folder; WEB_DIST_DIR unless a test points elsewhere. */
  webDir?: string;
}

/**
 * Serves the team inbox at `/`: index.html for the app's screens (revalidated on every load, so a
 * new build is picked up at once), hashed files under /assets/ cached for a year. Every other path
 * keeps its behaviour: the API's routes, and the Meta-envelope 404 for unknown ones, including
 * unknown /assets/ files. Without a build, the screens answer 503 saying how to build.
 */
export async function inboxStaticRoutes(app: FastifyInstance, options: StaticRoutesOptions): Promise<void> {
  const webDir = options.webDir ?? WEB_DIST_DIR;
  const htmlHeaders = inboxHtmlHeaders(options.publicUrl);
  let indexHtml: Buffer | null = null;

  async function sendIndex(reply: FastifyReply) {
    // Read once and kept; a missing build is looked for again on each request, so a build made
    // while the gateway runs is served without a restart.
    indexHtml ??= await readFile(`${webDir}index.html`).catch(() => null);
    if (!indexHtml) return reply.code(503).headers(htmlHeaders).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return reply.headers(htmlHeaders).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml);
  }

  for (const url of CLIENT_ROUTES) app.get(url, { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) => {
    const icon = await readFile(`${webDir}favicon.svg`).catch(() => null);
    if (!icon) return reply.callNotFound();
    return reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(icon);
  });
  if (!existsSync(`${webDir}assets`)) return;
  await app.register(fastifyStatic, {
    root: `${webDir}assets`,
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    // The build writes .br and .gz beside each file (web/vite.config.ts).
    preCompressed: true,
    cacheControl: false,
    etag: true,
    lastModified: false,
    setHeaders: (res) => {
      res.header('cache-control', ASSET_CACHE);
      res.header('x-content-type-options', 'nosniff');
    },
    schemaHide: true,
  });
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard inbox not built</title></head>
<body><h1>The team inbox is not built</h1>
<p>This gateway has no built web app (web/dist is missing). Run <code>npm run build</code> (or <code>npm ci</code>, which builds) and reload.</p>
<p>The API works without it.</p></body></html>
`;
