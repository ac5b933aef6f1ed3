import { describe, expect, it } from 'vitest';
import { decideContentType, dispositionFor, OCTET_STREAM, sniffContentType } from '../../src/media/content-type.ts';
import { contentDisposition } from '../../src/media/disposition.ts';
import { jpegBytes } from './helpers.ts';

const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 1)]);
const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1');
const opus = Buffer.concat([Buffer.from('OggS'), Buffer.from([0, 2]), Buffer.alloc(20), Buffer.from([1, 19]), Buffer.from('OpusHead'), Buffer.alloc(64, 1)]);
const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(4), Buffer.from('mp42isom'), Buffer.alloc(64)]);
const html = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');

describe('content sniffing', () => {
  it.each([
    ['a JPEG announced as one', jpegBytes(), 'image/jpeg', 'image/jpeg'],
    ['a PNG announced as one', png, 'image/png', 'image/png'],
    ['a PDF announced as one', pdf, 'application/pdf', 'application/pdf'],
    ['a voice note announced with its codec', opus, 'audio/ogg; codecs=opus', 'audio/ogg'],
    ['an MP4 announced as video', mp4, 'video/mp4', 'video/mp4'],
    ['an MP4 announced as 3GPP', mp4, 'video/3gpp', 'video/3gpp'],
    ['plain text announced as text', Buffer.from('Order #42: two blue mugs\n'), 'text/plain', 'text/plain'],
    ['an HTML page announced as a JPEG', html, 'image/jpeg', OCTET_STREAM],
    ['a PNG announced as a JPEG', png, 'image/jpeg', OCTET_STREAM],
    ['a JPEG announced as a PDF', jpegBytes(), 'application/pdf', OCTET_STREAM],
    ['binary bytes announced as text', Buffer.from([0x41, 0x00, 0x42]), 'text/plain', OCTET_STREAM],
    ['unknown bytes with no announced type', html, null, OCTET_STREAM],
    ['a JPEG with no announced type', jpegBytes(), null, 'image/jpeg'],
    ['a JPEG announced with a malformed type', jpegBytes(), 'image/jpeg\r\nX-Evil: 1', 'image/jpeg'],
    ['an HTML page announced with a malformed type', html, 'text/html\r\nX-Evil: 1', OCTET_STREAM],
  ])('serves %s as %s', async (_name, bytes, announced, served) => {
    expect(await sniffContentType(bytes, announced)).toBe(served);
  });

  it.each([
    ['a legacy Word file recognised as a compound document', 'application/x-cfb', 'application/msword', 'application/msword'],
    ['a .docx recognised only as a zip', 'application/zip', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['a zip announced as a PDF', 'application/zip', 'application/pdf', OCTET_STREAM],
    ['an m4a announced as AAC', 'audio/x-m4a', 'audio/aac', 'audio/aac'],
  ])('serves %s as %s', (_name, detected, announced, served) => {
    expect(decideContentType(detected, announced, new Uint8Array())).toBe(served);
  });
});

describe('content disposition', () => {
  it.each([
    ['image/jpeg', 'inline'],
    ['audio/ogg', 'inline'],
    ['video/mp4', 'inline'],
    ['application/pdf', 'inline'],
    ['text/plain', 'attachment'],
    ['application/vnd.ms-excel', 'attachment'],
    [OCTET_STREAM, 'attachment'],
  ])('shows %s %s', (type, kind) => {
    expect(dispositionFor(type)).toBe(kind);
  });

  it.each([
    ['no file name', null, 'inline'],
    ['an ASCII name', 'invoice-42.pdf', 'inline; filename="invoice-42.pdf"'],
    ['a name with quotes', 'the "final" one.pdf', `inline; filename="the _final_ one.pdf"; filename*=UTF-8''the%20%22final%22%20one.pdf`],
    ['a non-ASCII name', 'Übersicht März.pdf', `inline; filename="_bersicht M_rz.pdf"; filename*=UTF-8''%C3%9Cbersicht%20M%C3%A4rz.pdf`],
    ['an emoji name', '🎉 party.jpg', `inline; filename="__ party.jpg"; filename*=UTF-8''%F0%9F%8E%89%20party.jpg`],
    ['a path', '../../etc/passwd', 'inline; filename="passwd"'],
    ['a header injection', 'a.pdf\r\nSet-Cookie: x=1', 'inline; filename="a.pdfSet-Cookie: x=1"'],
    ['apostrophes and parentheses', "it's (1).pdf", `inline; filename="it's (1).pdf"`],
  ])('encodes %s per RFC 6266', (_name, filename, header) => {
    expect(contentDisposition('inline', filename)).toBe(header);
  });

  it('percent-encodes what RFC 8187 does not allow in filename*', () => {
    expect(contentDisposition('attachment', "é's (1)*.txt")).toBe(`attachment; filename="_'s (1)*.txt"; filename*=UTF-8''%C3%A9%27s%20%281%29%2A.txt`);
  });
});
