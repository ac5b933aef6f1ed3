import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WEB_DIST_DIR } from '../../src/inbox/static-routes.ts';

/**
 * The JavaScript the team inbox ships stays small (issue 21; docs/inbox.md states the budget):
 * React and the whole app in at most 90 KiB gzip, measured on the build `npm test` makes. All of
 * it is counted, the entry and any chunk it may load, so a split cannot hide growth.
 */
const JS_BUDGET_GZIP_BYTES = 90 * 1024;
const CSS_BUDGET_GZIP_BYTES = 8 * 1024;

const assets = () => readdirSync(join(WEB_DIST_DIR, 'assets'));
const gzipSize = (name: string) => gzipSync(readFileSync(join(WEB_DIST_DIR, 'assets', name)), { level: 9 }).length;

describe('the team inbox bundle', () => {
  it('loads its one entry script from index.html', () => {
    const html = readFileSync(join(WEB_DIST_DIR, 'index.html'), 'utf8');
    expect([...html.matchAll(/<script type="module"[^>]*src="\/assets\/[^"]+\.js"/g)]).toHaveLength(1);
  });

  it(`ships at most ${JS_BUDGET_GZIP_BYTES / 1024} KiB of JavaScript, gzip`, () => {
    const total = assets().filter((n) => n.endsWith('.js')).reduce((sum, name) => sum + gzipSize(name), 0);
    expect(total).toBeGreaterThan(10 * 1024);
    expect(total).toBeLessThanOrEqual(JS_BUDGET_GZIP_BYTES);
  });

  it(`ships at most ${CSS_BUDGET_GZIP_BYTES / 1024} KiB of CSS, gzip`, () => {
    const total = assets().filter((n) => n.endsWith('.css')).reduce((sum, name) => sum + gzipSize(name), 0);
    expect(total).toBeLessThanOrEqual(CSS_BUDGET_GZIP_BYTES);
  });
});
