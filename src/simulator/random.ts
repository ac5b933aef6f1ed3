import { randomInt } from 'node:crypto';

/** A source of pseudo-random numbers; seeded ones repeat exactly (meta-cloud-api.md §7.19). */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  /** `length` decimal digits, the first one never 0 (Graph ids are numeric strings). */
  digits(length: number): string;
  /** `length` hex digits in the given case. */
  hex(length: number, upper?: boolean): string;
  /** `length` characters of the fbtrace alphabet `[A-Za-z0-9_-]`. */
  token(length: number): string;
  /** A new array with the items in a random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

const tokenAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/**
 * mulberry32: tiny, fast and good enough for ids and fault dice. Without a seed the stream
 * starts from a cryptographically random seed, so ids differ between runs.
 */
export function createRandom(seed?: number): Random {
  let state = (seed ?? randomInt(0, 2 ** 32)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  const pick = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[int(alphabet.length)];
    return out;
  };
  return {
    next,
    int,
    digits: (length) => String(1 + int(9)) + pick('0123456789', length - 1),
    hex: (length, upper = false) => pick(upper ? '0123456789ABCDEF' : '0123456789abcdef', length),
    token: (length) => pick(tokenAlphabet, length),
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
  };
}

/**
 * Independent streams derived from one seed, so that e.g. an error response (which draws an
 * fbtrace id) never shifts the wamids a test asserts on.
 */
export function createRandomStreams(seed?: number): Record<'ids' | 'trace' | 'urls' | 'faults' | 'statuses', Random> & { base: number } {
  const base = seed ?? randomInt(0, 2 ** 31);
  return {
    base,
    ids: createRandom(base),
    trace: createRandom(base + 1_000_003),
    urls: createRandom(base + 2_000_003),
    faults: createRandom(base + 3_000_003),
    statuses: createRandom(base + 4_000_003),
  };
}

/**
 * A float in [0, 1) fixed by the seed and a key (FNV-1a, then mulberry32's mix): the same
 * customer draws the same traits whatever order the sends come in, so a concurrent sender meets
 * the same opted-out and unknown customers on every seeded run.
 */
export function seededUnit(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
