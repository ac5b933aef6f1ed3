#!/usr/bin/env node
// The published entry point: runs the compiled build in dist/ (`npm ci` builds it, `npm run build`
// rebuilds it). It never falls back to the TypeScript sources: a missing build must be noticed, not
// silently replaced by a transpiler that production does not install and every start would pay for.
// `npm run dev` runs the sources directly.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);

if (!existsSync(main)) {
  process.stderr.write(
    'switchboard: the compiled build is missing (dist/main.js).\n' +
      'Run `npm run build` (`npm ci` also builds), or `npm run dev` to run the TypeScript sources.\n',
  );
  process.exit(1);
}
await import(main.href);
