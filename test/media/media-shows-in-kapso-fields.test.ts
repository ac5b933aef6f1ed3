import { describe, expect, it } from 'vitest';
import type { MediaRow, MessageRow } from '../../src/db/schema.ts';
import { parseFields } from '../../src/http/fields.ts';
import { messageMediaOf, type MessageMedia } from '../../src/media/present-media.ts';
import { createMediaUrlSigner, deriveMediaUrlKey } from '../../src/crypto/signed-url.ts';
import { storedMediaContent } from '../../src/messages/media-content.ts';
import { presentMessage } from '../../src/messages/present.ts';

const URL = 'https://files.example.test/blobs/7c1e/receipt.jpg';

describe('kapso.content of a stored file (kapso-api.md §2.3)', () => {
  it.each([
    ['image with caption (the §6.1.4 example)', 'image', 'receipt', { filename: 'receipt.jpg', byteSize: 48_213, contentType: 'image/jpeg' },
      `receipt Image attached (receipt.jpg) [Size: 47.1 KB | Type: image/jpeg] URL: ${URL}`],
    ['image without caption', 'image', undefined, { filename: 'photo.jpg', byteSize: 117_862, contentType: 'image/jpeg' },
      `Image attached (photo.jpg) [Size: 115.1 KB | Type: image/jpeg] URL: ${URL}`],
    ['video with caption', 'video', 'how it looks', { filename: 'clip.mp4', byteSize: 1_048_576, contentType: 'video/mp4' },
      `how it looks Video attached (clip.mp4) [Size: 1024.0 KB | Type: video/mp4] URL: ${URL}`],
    ['document with caption', 'document', 'my invoice', { filename: 'invoice.pdf', byteSize: 2_048, contentType: 'application/pdf' },
      `my invoice Document attached (invoice.pdf) [Size: 2.0 KB | Type: application/pdf] URL: ${URL}`],
    ['audio (voice note)', 'audio', undefined, { filename: 'audio-1a2b3c4d.ogg', byteSize: 9_830, contentType: 'audio/ogg' },
      `[Audio attached] (audio-1a2b3c4d.ogg) [Size: 9.6 KB | Type: audio/ogg] URL: ${URL}`],
    ['sticker', 'sticker', undefined, { filename: 'sticker-1a2b3c4d.webp', byteSize: 20_480, contentType: 'image/webp' },
      `Sticker attached (sticker-1a2b3c4d.webp) [Size: 20.0 KB | Type: image/webp] URL: ${URL}`],
  ] as const)('renders %s', (_name, type, caption, file, expected) => {
    expect(storedMediaContent(type, caption, { ...file, url: URL })).toBe(expected);
  });
});

const signer = createMediaUrlSigner({ key: deriveMediaUrlKey('test-secret'), publicUrl: 'https://gw.example.test/', ttlSeconds: 3600 });
const NOW = Date.parse('2026-01-01T12:00:00Z');

function mediaRow(overrides: Partial<MediaRow> = {}): MediaRow {
  return {
    id: '7c1e5a2b-0000-4000-8000-000000000001',
    project_id: 'p',
    phone_number_id: '112233445566778',
    message_id: 'wamid.image',
    meta_media_id: '880011223344556',
    source_url: null,
    kind: 'image',
    direction: 'inbound',
    state: 'stored',
    failure_reason: null,
    mime_type: 'image/jpeg',
    content_type: 'image/jpeg',
    filename: null,
    byte_size: 48_213,
    sha256: 'ab'.repeat(32),
    storage_key: `sha256/ab/${'ab'.repeat(32)}`,
    attempts: 1,
    next_attempt_at: NOW,
    locked_by: null,
    locked_until: null,
    created_at: NOW,
    updated_at: NOW,
    stored_at: NOW,
    ...overrides,
  };
}

describe('a media row as the presenters see it', () => {
  it.each([
    ['an image without a name', {}, 'image-7c1e5a2b.jpg'],
    ['a voice note', { kind: 'audio', mime_type: 'audio/ogg; codecs=opus', content_type: 'audio/ogg' }, 'audio-7c1e5a2b.ogg'],
    ['a disguised file, by what it is served as', { content_type: 'application/octet-stream' }, 'image-7c1e5a2b.bin'],
    ['an upload with no kind, by its type', { kind: null, content_type: 'application/pdf' }, 'document-7c1e5a2b.pdf'],
    ['a pending file, by its announced type', { state: 'pending' as const, content_type: null }, 'image-7c1e5a2b.jpg'],
    ['a document with its own name', { kind: 'document', filename: 'invoice.pdf', content_type: 'application/pdf' }, 'invoice.pdf'],
  ])('names %s %s', (_name, overrides, filename) => {
    expect(messageMediaOf(mediaRow(overrides), signer, NOW).filename).toBe(filename);
  });

  it('signs a URL on PUBLIC_URL only once the file is stored', () => {
    expect(messageMediaOf(mediaRow(), signer, NOW).url).toBe(signer.urlFor(mediaRow().id, NOW).url);
    expect(messageMediaOf(mediaRow(), signer, NOW).url).toMatch(/^https:\/\/gw\.example\.test\/media\/7c1e5a2b-/);
    expect(messageMediaOf(mediaRow({ state: 'pending', content_type: null }), signer, NOW)).toMatchObject({ url: null, contentType: null, byteSize: null });
  });
});

function imageMessage(): MessageRow {
  const image = { id: '880011223344556', mime_type: 'image/jpeg', caption: 'receipt' };
  return {
    seq: 1,
    id: 'wamid.image',
    phone_number_id: '112233445566778',
    conversation_id: '7d1c3e52-9a4b-4f0e-8c21-5b6a9d0e3f47',
    direction: 'inbound',
    type: 'image',
    from_id: '14155550123',
    to_id: '112233445566778',
    timestamp: 1767269100,
    status: 'delivered',
    processing_status: 'pending',
    origin: 'cloud_api',
    has_media: 1,
    contact_name: 'Maya Chen',
    content: 'receipt Image attached [Type: image/jpeg]',
    payload: JSON.stringify({ from: '14155550123', id: 'wamid.image', timestamp: '1767269100', type: 'image', image }),
    kapso_data: JSON.stringify({ message_type_data: { caption: 'receipt', mime_type: 'image/jpeg', media_id: '880011223344556' } }),
    created_at: NOW,
    updated_at: NOW,
  };
}

const stored: MessageMedia = { id: 'm-1', state: 'stored', url: URL, filename: 'receipt.jpg', contentType: 'image/jpeg', byteSize: 48_213, failureReason: null };

describe('presentMessage with the media file', () => {
  it('renders a stored image like the §6.1.4 kapso(default) example, keys in its order', () => {
    const { kapso } = presentMessage(imageMessage(), [], parseFields('kapso(default)'), stored) as { kapso: Record<string, unknown> };
    expect(kapso).toEqual({
      direction: 'inbound',
      status: 'delivered',
      processing_status: 'pending',
      origin: 'cloud_api',
      phone_number: '14155550123',
      phone_number_id: '112233445566778',
      has_media: true,
      media_url: URL,
      media_data: { url: URL, filename: 'receipt.jpg', content_type: 'image/jpeg', byte_size: 48_213, id: 'm-1' },
      whatsapp_conversation_id: '7d1c3e52-9a4b-4f0e-8c21-5b6a9d0e3f47',
      contact_name: 'Maya Chen',
      message_type_data: { caption: 'receipt', mime_type: 'image/jpeg', media_id: '880011223344556' },
      content: `receipt Image attached (receipt.jpg) [Size: 47.1 KB | Type: image/jpeg] URL: ${URL}`,
    });
    expect(Object.keys(kapso).indexOf('media_url')).toBe(Object.keys(kapso).indexOf('has_media') + 1);
  });

  it('says the file is still coming, without media_url, while it downloads', () => {
    const pending: MessageMedia = { ...stored, state: 'pending', url: null, contentType: null, byteSize: null };
    const { kapso } = presentMessage(imageMessage(), [], parseFields('kapso(media_url,media_data,message_type_data,content)'), pending) as { kapso: Record<string, unknown> };
    expect(kapso).toEqual({
      message_type_data: { caption: 'receipt', mime_type: 'image/jpeg', media_id: '880011223344556', media_status: 'pending' },
      content: 'receipt Image attached [Type: image/jpeg]',
    });
  });

  it('says why a pending file failed last time, and why a failed one failed for good', () => {
    const retrying: MessageMedia = { ...stored, state: 'pending', url: null, failureReason: 'download answered 503' };
    const failed: MessageMedia = { ...stored, state: 'failed', url: null, failureReason: 'media unavailable: GET /{media-id} answered 400 (code 100)' };
    const typeData = (media: MessageMedia) => (presentMessage(imageMessage(), [], parseFields('kapso(message_type_data)'), media).kapso as Record<string, unknown>).message_type_data;
    expect(typeData(retrying)).toMatchObject({ media_status: 'pending', media_error: 'download answered 503' });
    expect(typeData(failed)).toMatchObject({ media_status: 'failed', media_error: 'media unavailable: GET /{media-id} answered 400 (code 100)' });
  });

  it('shows only the media keys asked for, and none without the file', () => {
    expect(presentMessage(imageMessage(), [], parseFields('kapso(media_url)'), stored).kapso).toEqual({ media_url: URL });
    expect(presentMessage(imageMessage(), [], parseFields('kapso(has_media,media_url,media_data)')).kapso).toEqual({ has_media: true });
  });
});
