import { describe, expect, it } from 'vitest';
import { MultipartError, multipartBoundary, parseMultipart } from '../../src/http/multipart.ts';

const crlf = '\r\n';
const body = (...lines: string[]) => Buffer.from(lines.join(crlf), 'latin1');

describe('parseMultipart', () => {
  it('reads fields and a binary file part', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x41]);
    const raw = Buffer.concat([
      body('--XyZ', 'Content-Disposition: form-data; name="messaging_product"', '', 'whatsapp', '--XyZ', 'Content-Disposition: form-data; name="file"; filename="a b.png"', 'Content-Type: image/png', '', ''),
      bytes,
      Buffer.from(`${crlf}--XyZ--${crlf}`),
    ]);
    expect(parseMultipart(raw, 'XyZ')).toEqual([
      { name: 'messaging_product', data: Buffer.from('whatsapp') },
      { name: 'file', filename: 'a b.png', contentType: 'image/png', data: bytes },
    ]);
  });

  it('ignores a preamble and handles an empty part', () => {
    const raw = body('preamble text', '--b', 'Content-Disposition: form-data; name="type"', '', '', '--b--', '');
    expect(parseMultipart(raw, 'b')).toEqual([{ name: 'type', data: Buffer.alloc(0) }]);
  });

  it('unescapes quoted filenames', () => {
    const raw = body('--b', 'Content-Disposition: form-data; name="file"; filename="say \\"hi\\".txt"', '', 'x', '--b--');
    expect(parseMultipart(raw, 'b')[0]?.filename).toBe('say "hi".txt');
  });

  it.each([
    ['no boundary at all', body('nothing here'), /does not contain the boundary/],
    ['no closing boundary', body('--b', 'Content-Disposition: form-data; name="x"', '', 'value'), /ends before the closing boundary/],
    ['no header end', body('--b', 'Content-Disposition: form-data; name="x"'), /no header end/],
    ['a part without a name', body('--b', 'Content-Disposition: form-data', '', 'v', '--b--'), /no form-data name/],
  ])('rejects %s', (_name, raw, message) => {
    expect(() => parseMultipart(raw, 'b')).toThrow(MultipartError);
    expect(() => parseMultipart(raw, 'b')).toThrow(message);
  });
});

describe('multipartBoundary', () => {
  it.each([
    ['multipart/form-data; boundary=----abc123', '----abc123'],
    ['multipart/form-data; boundary="quoted boundary"', 'quoted boundary'],
    ['Multipart/Form-Data; charset=utf-8; boundary=x', 'x'],
    ['application/json', undefined],
    [undefined, undefined],
  ])('reads %s as %s', (header, boundary) => {
    expect(multipartBoundary(header)).toBe(boundary);
  });
});
