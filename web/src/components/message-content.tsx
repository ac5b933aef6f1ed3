import type { KapsoMessage } from '../api/types.ts';
import { formatBytes } from '../lib/time.ts';
import { FormattedText } from './formatted-text.tsx';
import { FileIcon, PinIcon } from './icons.tsx';

type Loose = Record<string, unknown>;

function field(message: KapsoMessage, key: string): Loose {
  const value = message[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The body of one message, per type, as WhatsApp shows it. */
export function MessageContent({ message }: { message: KapsoMessage }) {
  const kapso = message.kapso ?? {};
  const media = field(message, message.type);
  const caption = text(media.caption) ?? text(kapso.message_type_data?.caption);
  const mediaUrl = kapso.media_url ?? kapso.media_data?.url;
  const mediaState = text(kapso.message_type_data?.media_status);
  switch (message.type) {
    case 'text':
      return <Paragraph text={text(field(message, 'text').body) ?? ''} />;
    case 'image':
    case 'sticker':
      return (
        <>
          {mediaUrl ? (
            <a href={mediaUrl} target="_blank" rel="noreferrer">
              <img className={message.type === 'sticker' ? 'sticker' : 'photo'} src={mediaUrl} alt={caption ?? (message.type === 'sticker' ? 'Sticker' : 'Photo')} loading="lazy" />
            </a>
          ) : (
            <MediaPending label={message.type === 'sticker' ? 'Sticker' : 'Photo'} state={mediaState} />
          )}
          {caption && <Paragraph text={caption} />}
        </>
      );
    case 'video':
      return (
        <>
          {mediaUrl ? <video className="photo" src={mediaUrl} controls preload="metadata" aria-label="Video" /> : <MediaPending label="Video" state={mediaState} />}
          {caption && <Paragraph text={caption} />}
        </>
      );
    case 'audio':
      return mediaUrl ? <audio src={mediaUrl} controls preload="metadata" aria-label={media.voice ? 'Voice message' : 'Audio'} /> : <MediaPending label="Audio" state={mediaState} />;
    case 'document':
      return <DocumentCard message={message} caption={caption} />;
    case 'location':
      return <LocationCard location={media} />;
    case 'contacts':
      return <ContactCards cards={Array.isArray(message.contacts) ? (message.contacts as Loose[]) : []} />;
    case 'interactive':
      return <Interactive interactive={field(message, 'interactive')} />;
    case 'button':
      return <Paragraph text={text(field(message, 'button').text) ?? 'Button'} />;
    case 'template':
      return <TemplateBody message={message} />;
    case 'order':
      return <p>Order of {Array.isArray(media.product_items) ? media.product_items.length : 0} item(s){text(media.text) ? `: ${String(media.text)}` : ''}</p>;
    default:
      return <p className="muted">{text(kapso.content) ?? `Unsupported message (${message.type})`}</p>;
  }
}

function Paragraph({ text: value }: { text: string }) {
  return (
    <p className="text">
      <FormattedText text={value} />
    </p>
  );
}

function MediaPending({ label, state }: { label: string; state: string | null }) {
  return <p className="muted">{state === 'failed' ? `${label} could not be downloaded` : `${label} (loading…)`}</p>;
}

function DocumentCard({ message, caption }: { message: KapsoMessage; caption: string | null }) {
  const kapso = message.kapso ?? {};
  const doc = field(message, 'document');
  const name = text(kapso.media_data?.filename) ?? text(doc.filename) ?? 'Document';
  const size = kapso.media_data?.byte_size;
  const url = kapso.media_url ?? kapso.media_data?.url;
  const label = (
    <>
      <span className="doc-icon">
        <FileIcon />
      </span>
      <span className="doc-name">{name}</span>
      {typeof size === 'number' && <span className="doc-size">{formatBytes(size)}</span>}
    </>
  );
  return (
    <>
      {url ? (
        <a className="document" href={url} target="_blank" rel="noreferrer" download={name}>
          {label}
        </a>
      ) : (
        <span className="document">{label}</span>
      )}
      {caption && <Paragraph text={caption} />}
    </>
  );
}

function LocationCard({ location }: { location: Loose }) {
  const lat = Number(location.latitude);
  const lng = Number(location.longitude);
  const href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`;
  return (
    <a className="location" href={href} target="_blank" rel="noreferrer">
      <PinIcon /> {text(location.name) ?? 'Location'}
      {text(location.address) && <span className="muted"> · {String(location.address)}</span>}
      <span className="muted small">
        {' '}
        ({lat.toFixed(5)}, {lng.toFixed(5)})
      </span>
    </a>
  );
}

function ContactCards({ cards }: { cards: Loose[] }) {
  return (
    <ul className="contact-cards">
      {cards.map((card, i) => {
        const name = (card.name ?? {}) as Loose;
        const phones = Array.isArray(card.phones) ? (card.phones as Loose[]) : [];
        return (
          <li key={i}>
            {text(name.formatted_name) ?? text(name.first_name) ?? 'Contact'}
            {phones.map((p, j) => (
              <span key={j} className="muted">
                {' '}
                {String(p.phone ?? '')}
              </span>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

function Interactive({ interactive }: { interactive: Loose }) {
  const reply = (interactive.button_reply ?? interactive.list_reply) as Loose | undefined;
  if (reply) {
    return (
      <p className="interactive-reply">
        <span aria-hidden="true">↩ </span>
        {text(reply.title) ?? text(reply.id)}
        {text(reply.description) && <span className="muted"> · {String(reply.description)}</span>}
      </p>
    );
  }
  const nfm = interactive.nfm_reply as Loose | undefined;
  if (nfm) return <p className="interactive-reply">Form submitted{text(nfm.name) ? `: ${String(nfm.name)}` : ''}</p>;
  const body = (interactive.body ?? {}) as Loose;
  const action = (interactive.action ?? {}) as Loose;
  const buttons = Array.isArray(action.buttons) ? (action.buttons as Loose[]) : [];
  return (
    <>
      <Paragraph text={text(body.text) ?? 'Interactive message'} />
      {buttons.length > 0 && (
        <ul className="buttons">
          {buttons.map((b, i) => (
            <li key={i}>{text(((b.reply ?? {}) as Loose).title) ?? 'Button'}</li>
          ))}
        </ul>
      )}
      {text(action.button) && <p className="buttons-single">{String(action.button)}</p>}
    </>
  );
}

/** A sent template: its name and the values given to its variables (the message holds no text). */
function TemplateBody({ message }: { message: KapsoMessage }) {
  const template = field(message, 'template');
  const components = Array.isArray(template.components) ? (template.components as Loose[]) : [];
  const values = components.flatMap((c) => (Array.isArray(c.parameters) ? (c.parameters as Loose[]) : [])).map((p) => text(p.text)).filter((v) => v !== null);
  const content = text(message.kapso?.content);
  return (
    <>
      <p className="muted small">Template</p>
      <p className="text template-name">{text(template.name) ?? 'template'}</p>
      {values.length > 0 && <p className="small">{values.join(' · ')}</p>}
      {content && !content.includes(String(template.name)) && <Paragraph text={content} />}
    </>
  );
}
