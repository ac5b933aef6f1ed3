import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The team inbox, built into web/dist by `npm run build` (which `npm ci` runs through `prepare`)
// and served by the gateway (src/inbox/static-routes.ts): hashed files under /assets/, cached
// for a year; index.html revalidated on every load.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
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
