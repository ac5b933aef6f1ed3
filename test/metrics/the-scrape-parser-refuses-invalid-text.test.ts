import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition } from '../helpers/prometheus-text.ts';

// The metrics tests trust this parser to tell a valid scrape: it must refuse what Prometheus refuses.
const valid = [
  '# HELP c Requests.',
  '# TYPE c counter',
  'c{route="/a",status="200"} 3',
  'c{route="/b \\"quoted\\"",status="404"} 1',
  '# HELP h Durations.',
  '# TYPE h histogram',
  'h_bucket{le="0.1",route="/a"} 1',
  'h_bucket{le="+Inf",route="/a"} 2',
  'h_sum{route="/a"} 0.3',
  'h_count{route="/a"} 2',
  '# TYPE g gauge',
  'g 1.5e3',
  '',
].join('\n');

describe('the test parser of the Prometheus text format', () => {
  it('reads families, labels (with escapes) and histogram series', () => {
    const families = parseExposition(valid);
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([['c', 'counter', 2], ['h', 'histogram', 4], ['g', 'gauge', 1]]);
    expect(families[0]?.samples[1]).toEqual({ name: 'c', labels: { route: '/b "quoted"', status: '404' }, value: 1 });
    expect(families[2]?.samples[0]?.value).toBe(1500);
  });

  it.each([
    ['a sample of no declared family', 'x 1\n'],
    ['a sample named outside its family', '# TYPE c counter\nd 1\n'],
    ['a family declared again after another', '# TYPE c counter\nc 1\n# TYPE g gauge\ng 1\n# HELP c again\n'],
    ['a repeated series', '# TYPE c counter\nc{a="1"} 1\nc{a="1"} 2\n'],
    ['an unquoted label value', '# TYPE c counter\nc{a=1} 1\n'],
    ['a bad value', '# TYPE c counter\nc 1,5\n'],
    ['an unknown type', '# TYPE c countr\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['buckets that are not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['+Inf that differs from the count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseExposition(text)).toThrow(ExpositionError);
  });
});
