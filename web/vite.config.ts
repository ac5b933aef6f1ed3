import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The team inbox, built into web/dist by `npm run build` (which `npm ci` runs through `prepare`)
// and served by the gateway (src/inbox/static-routes.ts): hashed files under /assets/, cached
// for a year; index.html revalidated on every load.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The CSP allows no inline script or data: URL, so nothing is inlined into the HTML.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});

/**
 * Writes .br and .gz beside each script and stylesheet, which the gateway serves to browsers
 * that accept them (@fastify/static `preCompressed`): compressed once at build, not per request.
 */
function precompress(): Plugin {
  return {
    name: 'switchboard-precompress',
    apply: 'build',
    async closeBundle() {
      const dir = join(import.meta.dirname, 'dist', 'assets');
      for (const name of await readdir(dir)) {
        if (!/\.(js|css|svg)$/.test(name)) continue;
        const data = await readFile(join(dir, name));
        await writeFile(join(dir, `${name}.gz`), gzipSync(data, { level: 9 }));
        await writeFile(join(dir, `${name}.br`), brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}
