import { describe, expect, it } from 'vitest';
import { createIdFactory, decodeWamid, encodeWamid } from '../../src/simulator/ids.ts';
import { createRandomStreams } from '../../src/simulator/random.ts';

describe('wamids in the layout of Meta examples (meta-cloud-api.md §5.6)', () => {
  it.each([
    ['14155550123', 'outbound', '07E28ACEE6BE4F007F', 'wamid.HBgLMTQxNTU1NTAxMjMVAgARGBIwN0UyOEFDRUU2QkU0RjAwN0YA'],
    ['14155550123', 'inbound', '458E20DD8758474E3BE2', 'wamid.HBgLMTQxNTU1NTAxMjMVAgASGBQ0NThFMjBERDg3NTg0NzRFM0JFMgA='],
  ] as const)('encodes %s %s %s exactly like the spec example', (phone, direction, hex, wamid) => {
    expect(encodeWamid(phone, direction, hex)).toBe(wamid);
    expect(decodeWamid(wamid)).toEqual({ counterpart: phone, direction });
  });

  it('does not decode ids it did not make', () => {
    expect(decodeWamid('gBGGEiRVVgBPAgm7FUgc73noXjo')).toBeUndefined();
    expect(decodeWamid('wamid.AAAA')).toBeUndefined();
  });

  it('draws ids in Meta formats', () => {
    const ids = createIdFactory(createRandomStreams(1));
    const wamid = ids.wamid('14155550123', 'outbound');
    expect(wamid).toMatch(/^wamid\.[A-Za-z0-9+/]+=*$/);
    expect(decodeWamid(wamid)).toEqual({ counterpart: '14155550123', direction: 'outbound' });
    expect(ids.mediaId()).toMatch(/^[1-9]\d{15}$/);
    expect(Number(ids.templateId())).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(ids.conversationId()).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.fbtraceId()).toMatch(/^[A-Za-z0-9_-]{23}$/);
  });

  it('keeps the id stream apart from the trace stream', () => {
    const a = createIdFactory(createRandomStreams(5));
    const b = createIdFactory(createRandomStreams(5));
    a.fbtraceId();
    a.fbtraceId();
    expect(a.wamid('1', 'outbound')).toBe(b.wamid('1', 'outbound'));
  });
});
