import type { Contact } from '../api/types.ts';

/** A contact as a person reads it: name, else +phone, else @username, else the BSUID. */
export function contactLabel(contact: Contact): string {
  return contact.name || (contact.wa_id ? `+${contact.wa_id}` : contact.username ? `@${contact.username}` : (contact.business_scoped_user_id ?? 'Unknown'));
}

const TYPE_LABELS: Record<string, string> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  sticker: 'Sticker',
  location: 'Location',
  contacts: 'Contact',
  template: 'Template',
  reaction: 'Reaction',
  interactive: 'Interactive message',
  order: 'Order',
};

/** The one-line preview of a message in the list. */
export function previewOf(type: string, text: string | null): string {
  if (text && type === 'text') return text;
  // The gateway's own rendering of a message without text, e.g. `[template: order_ready]`.
  const marker = /^\[(.+)\]$/.exec(text ?? '');
  if (marker?.[1]) return marker[1].charAt(0).toUpperCase() + marker[1].slice(1);
  if (text) return `${TYPE_LABELS[type] ?? type}: ${text}`;
  return TYPE_LABELS[type] ?? type;
}
