import { parseArgs } from 'node:util';

export type BenchDialect = 'sqlite' | 'postgres';

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
  /** Start the server under `node --cpu-prof` and write its profiles to this folder. */
  cpuProfileDir: string | null;
}

const USAGE = `usage: npm run bench -- [--dialect sqlite|postgres|both] [--messages N] [--duration S]
                         [--warmup S] [--connections C] [--customers N] [--postgres-url URL]
                         [--cpu-prof DIR]`;

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
      'cpu-prof': { type: 'string' },
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
    cpuProfileDir: values['cpu-prof'] ?? null,
  };
}

function dialectsOf(value: string): BenchDialect[] {
  if (value === 'both') return ['sqlite', 'postgres'];
  if (value === 'sqlite' || value === 'postgres') return [value];
  throw new Error(`--dialect must be sqlite, postgres or both, not ${value}\n${USAGE}`);
}

function positiveInt(name: string, value: string): number {
  const n = nonNegativeInt(name, value);
  if (n === 0) throw new Error(`--${name} must be positive\n${USAGE}`);
  return n;
}

function nonNegativeInt(name: string, value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${value}\n${USAGE}`);
  return n;
}
