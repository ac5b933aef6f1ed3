/*
 * A strict parser of Prometheus's text exposition format (version 0.0.4, as Prometheus documents
 * it under "Text-based format"), for tests that scrape /metrics. No npm parser fits: the one most
 * used (parse-prometheus-text-format) is unmaintained and merges a labelled histogram's series
 * into one sample, and the other drops buckets. This one refuses what Prometheus would refuse
 * (a bad line, a sample of no declared family, a family split in two, a repeated series, a
 * histogram without cumulative buckets ending in +Inf equal to its count), so a test that parses a
 * scrape also proves the scrape is valid.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export class ExpositionError extends Error {}

/** Parses a whole scrape; throws ExpositionError naming the first offending line. */
export function parseExposition(text: string): Family[] {
  const families = new Map<string, Family>();
  let current: Family | null = null;
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new ExpositionError(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') return;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (meta) {
      const [, keyword, name, rest = ''] = meta as unknown as [string, 'HELP' | 'TYPE', string, string | undefined];
      if (!METRIC_NAME.test(name)) fail('bad metric name');
      const family = familyFor(name, families, current, fail);
      current = family;
      if (keyword === 'HELP') {
        if (family.help !== '') fail('second HELP');
        family.help = unescapeHelp(rest);
      } else {
        if (family.samples.length > 0) fail('TYPE after samples');
        if (!TYPES.has(rest.trim())) fail('unknown type');
        family.type = rest.trim() as Family['type'];
      }
      return;
    }
    if (line.startsWith('#')) return;
    const sample = parseSample(line, fail);
    if (!current || !belongsTo(sample.name, current)) fail('sample outside its family (no TYPE or HELP before it)');
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) fail('repeated series');
    seen.add(key);
    (current as Family).samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return [...families.values()];
}

function familyFor(name: string, families: Map<string, Family>, current: Family | null, fail: (why: string) => never): Family {
  const existing = families.get(name);
  if (existing) {
    if (existing !== current) fail('family declared again after another');
    return existing;
  }
  const family: Family = { name, help: '', type: 'untyped', samples: [] };
  families.set(name, family);
  return family;
}

function belongsTo(sampleName: string, family: Family): boolean {
  const suffixes = family.type === 'histogram' ? ['_bucket', '_sum', '_count'] : family.type === 'summary' ? ['', '_sum', '_count'] : [''];
  return suffixes.some((s) => sampleName === family.name + s);
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/.exec(line);
  if (!match) return fail('not a sample');
  const [, name, labelText, valueText] = match as unknown as [string, string, string | undefined, string];
  const value = parseValue(valueText);
  if (value === null) fail('bad value');
  return { name, labels: labelText ? parseLabels(labelText, fail) : {}, value: value as number };
}

/** `{a="x",b="y"}` with `\\`, `\"` and `\n` escapes in values; a trailing comma is allowed. */
function parseLabels(text: string, fail: (why: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 1;
  const end = text.length - 1;
  while (i < end) {
    const eq = text.indexOf('=', i);
    if (eq < 0) fail('label without value');
    const name = text.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) fail('bad label name');
    if (name in labels) fail('repeated label');
    if (text[eq + 1] !== '"') fail('unquoted label value');
    let value = '';
    let j = eq + 2;
    for (; j < end && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else fail('bad escape in label value');
      } else value += text[j];
    }
    if (text[j] !== '"') fail('unterminated label value');
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i !== end) fail('labels not separated by a comma');
  }
  return labels;
}

/** A float as Go's strconv.ParseFloat reads it (Prometheus's parser): Inf and NaN in any case. */
function parseValue(text: string): number | null {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(text);
  if (special) return special[2]?.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : null;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(n|\\)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** Each series' buckets are cumulative and end in +Inf, which equals its _count; each has a _sum. */
function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith('_bucket')) {
      const bound = le === undefined ? null : parseValue(le);
      if (bound === null) throw new ExpositionError(`${family.name}: a bucket without a valid le`);
      entry.buckets.push([bound, s.value]);
    } else if (s.name.endsWith('_count')) entry.count = s.value;
    else entry.sum = s.value;
  }
  for (const [key, { buckets, count, sum }] of series) {
    const where = `${family.name}${key}`;
    if (count === undefined || sum === undefined) throw new ExpositionError(`${where}: histogram without _count or _sum`);
    const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.at(-1)?.[0] !== Infinity) throw new ExpositionError(`${where}: no +Inf bucket`);
    sorted.forEach(([, n], i) => {
      if (i > 0 && n < (sorted[i - 1] as [number, number])[1]) throw new ExpositionError(`${where}: buckets are not cumulative`);
    });
    if (sorted.at(-1)?.[1] !== count) throw new ExpositionError(`${where}: +Inf bucket differs from _count`);
  }
}
