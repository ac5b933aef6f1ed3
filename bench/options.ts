import { parseArgs } from 'node:util';

export type BenchDialect = 'sqlite' | 'postgres';

/** The load runs, in the order they run: (a) fixed JSON, (b) GET by id, (c)/(d) ingest. */
export const RUN_NAMES = ['fixed', 'get', 'ingest1', 'ingest50'] as const;
export type RunName = (typeof RUN_NAMES)[number];

export interface BenchOptions {
  dialects: BenchDialect[];
  /** Messages generated into the store before any load run. */
  messages: number;
  /** Customers (one contact and one conversation each) the stored messages are spread over. */
  customers: number;
  /** Seconds of each measured run; a warm-up run of `warmupSeconds` comes first. */
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Base URL of the PostgreSQL database; a fresh `bench_<random>` schema is created in it. */
  postgresUrl: string;
  /** Which load runs to do (all by default; fewer when profiling one of them). */
  runs: RunName[];
  /** Start the server under `node --cpu-prof` and write its profiles to this folder. */
  cpuProfileDir: string | null;
  /** Whether the store keeps its full-text search index of messages (migration 021); `without` drops it first. */
  searchIndex: 'with' | 'without';
  /**
   * Whether, and when, the bare server (bench/bare/) runs the same loads on the same database, for
   * the ratios product ÷ bare (issue 23): `last` after the gateway's runs (`with` says the same),
   * `first` before them. Whichever runs second finds the indexes' pages already split by the first
   * one's inserts and the page cache warm: running it both ways shows what the order is worth.
   */
  bare: 'first' | 'last' | 'without';
  /** `on`: PostgreSQL's autovacuum turned on for the runs (bench/postgres-autovacuum.ts); undefined leaves the server as it is. */
  postgresAutovacuum: string | undefined;
}

export const USAGE = `usage: npm run bench -- [--dialect sqlite|postgres|both] [--messages N] [--duration S]
                         [--warmup S] [--connections C] [--customers N] [--postgres-url URL]
                         [--runs fixed,get,ingest1,ingest50] [--cpu-prof DIR]
                         [--search-index with|without] [--bare first|last|without]
                         [--postgres-autovacuum on]`;

/** Parses the bench's command line (`npm run bench -- …`). */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      dialect: { type: 'string', default: 'both' },
      messages: { type: 'string', default: '1000000' },
      customers: { type: 'string', default: '10000' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      runs: { type: 'string', default: RUN_NAMES.join(',') },
      'cpu-prof': { type: 'string' },
      'search-index': { type: 'string', default: 'with' },
      bare: { type: 'string', default: 'last' },
      'postgres-autovacuum': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const dialects = dialectsOf(values.dialect);
  return {
    dialects,
    messages: positiveInt('messages', values.messages),
    customers: positiveInt('customers', values.customers),
    durationSeconds: positiveInt('duration', values.duration),
    warmupSeconds: nonNegativeInt('warmup', values.warmup),
    connections: positiveInt('connections', values.connections),
    postgresUrl: values['postgres-url'],
    runs: runsOf(values.runs),
    cpuProfileDir: values['cpu-prof'] ?? null,
    searchIndex: withOrWithout('search-index', values['search-index']),
    bare: bareOrderOf(values.bare),
    postgresAutovacuum: values['postgres-autovacuum'],
  };
}

/** `--dialect`: sqlite, postgres or both (`usage` is the calling bench's, shown on an error). */
export function dialectsOf(value: string, usage = USAGE): BenchDialect[] {
  if (value === 'both') return ['sqlite', 'postgres'];
  if (value === 'sqlite' || value === 'postgres') return [value];
  throw new Error(`--dialect must be sqlite, postgres or both, not ${value}\n${usage}`);
}

function bareOrderOf(value: string): BenchOptions['bare'] {
  if (value === 'with') return 'last';
  if (value === 'first' || value === 'last' || value === 'without') return value;
  throw new Error(`--bare must be first, last or without, not ${value}\n${USAGE}`);
}

function withOrWithout(name: string, value: string): 'with' | 'without' {
  if (value === 'with' || value === 'without') return value;
  throw new Error(`--${name} must be with or without, not ${value}\n${USAGE}`);
}

function runsOf(value: string): RunName[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(RUN_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--runs takes ${RUN_NAMES.join(', ')}; unknown: ${unknown.join(', ')}\n${USAGE}`);
  return RUN_NAMES.filter((n) => names.includes(n));
}

/** A positive whole-number option (`usage` is the calling bench's, shown on an error). */
export function positiveInt(name: string, value: string, usage = USAGE): number {
  const n = nonNegativeInt(name, value, usage);
  if (n === 0) throw new Error(`--${name} must be positive\n${usage}`);
  return n;
}

function nonNegativeInt(name: string, value: string, usage = USAGE): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${value}\n${usage}`);
  return n;
}
