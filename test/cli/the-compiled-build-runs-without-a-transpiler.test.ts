import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMPILED_BIN, spawnServe } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The shipped command, with any import of a transpiler or of a .ts file failing the process. */
const COMPILED = ['--import', fileURLToPath(new URL('../helpers/refuse-transpilers.mjs', import.meta.url)), COMPILED_BIN];
const SECRET = 'test-secret-do-not-use-0123456789abcdefghijklmnop';

type Served = Awaited<ReturnType<typeof spawnServe>>;

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;
}

beforeAll(() => {
  // What `npm ci` does (the prepare script), brought up to date with these sources: incremental,
  // so it costs little after `npm ci`, and a stale dist/ never passes for the current code.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the build failed:\n${r.stdout}${r.stderr}`);
}, 300_000);

describe('the compiled CLI', () => {
  it('prints its help and version without loading TypeScript or a transpiler', () => {
    const help = spawnSync(process.execPath, [...COMPILED, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: switchboard /);
    expect(help.stdout).toContain('serve');

    const version = spawnSync(process.execPath, [...COMPILED, '--version'], { encoding: 'utf8', timeout: 30_000 });
    expect(version.stdout.trim()).toBe(readJson<{ version: string }>('package.json').version);
  });

  it('says to build when dist/ is missing instead of running the sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-unbuilt-'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(COMPILED_BIN, join(dir, 'bin', 'switchboard.js'));
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'switchboard.js'), '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('npm run build');
  });

  it('needs no transpiler among the production dependencies', () => {
    const transpilers = ['tsx', 'esbuild', 'typescript', 'ts-node'];
    const pkg = readJson<{ dependencies: Record<string, string> }>('package.json');
    expect(Object.keys(pkg.dependencies).filter((name) => transpilers.includes(name))).toEqual([]);
    // `npm ci --omit=dev` installs what the lockfile does not mark dev, transitive ones included.
    const lock = readJson<{ packages: Record<string, { dev?: boolean }> }>('package-lock.json');
    const installed = transpilers.filter((name) => lock.packages[`node_modules/${name}`]);
    expect(installed.length).toBeGreaterThan(0);
    expect(installed.filter((name) => lock.packages[`node_modules/${name}`]?.dev !== true)).toEqual([]);
  });
});

describe.each(dialects)('the compiled serve on a fresh database (%s)', { timeout: 120_000 }, (dialect) => {
  const running: Served[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  it('migrates, becomes ready and stops cleanly', async () => {
    // SQLite as `npm ci && npm start` runs it: the defaults, in an empty folder (the sandbox included).
    const s =
      dialect === 'sqlite'
        ? await spawnServe({}, mkdtempSync(join(tmpdir(), 'sb-compiled-')), COMPILED)
        : await spawnServe({ DATABASE_URL: isolatedDatabaseUrlFor(dialect, 'compiled'), SWITCHBOARD_SECRET: SECRET }, undefined, COMPILED);
    running.push(s);
    let ready: { status?: string; checks?: Record<string, string> } = {};
    await waitFor(
      'the compiled serve to answer /readyz 200',
      async () => {
        if (s.child.exitCode !== null) throw new Error(`serve exited early: ${s.output()}`);
        const res = await fetch(`${s.base}/readyz`).catch(() => null);
        if (res?.status !== 200) return false;
        ready = (await res.json()) as typeof ready;
        return true;
      },
      { timeoutMs: 60_000 },
    );
    expect(ready.status).toBe('ready');
    expect(ready.checks).toMatchObject({ database: 'ok', http: 'ok', outbox_worker: 'ok', media_worker: 'ok' });
    s.child.kill('SIGTERM');
    expect(await s.exited, s.output()).toBe(0);
  });
});
