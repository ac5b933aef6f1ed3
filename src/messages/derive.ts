/**
 * Kapso's derived message fields (kapso-api.md §2.2, §2.3), computed once from a Meta message
 * object when it is stored. Pure, and total: Meta adds types and fields over time (§1.5), so
 * any shape yields a result and nothing here throws.
 */
import { MEDIA_LABELS as mediaLabels } from './media-content.ts';
import type { DerivedMessageFields } from './records.ts';

type Fields = Record<string, unknown>;
/** What one type contributes; hasMedia and the context/referral hints are added for every type. */
type TypeFields = Omit<DerivedMessageFields, 'hasMedia'>;

const deriveByType: Record<string, (message: Fields) => TypeFields> = {
  text: (message) => {
    const body = str(obj(message.text).body) ?? '';
    return { content: body, messageTypeData: {}, previewText: body || '[text]' };
  },
  image: deriveMedia,
  video: deriveMedia,
  audio: deriveMedia,
  document: deriveMedia,
  sticker: deriveMedia,
  location: deriveLocation,
  contacts: deriveContacts,
  interactive: deriveInteractive,
  button: (message) => {
    const button = obj(message.button);
    const text = str(button.text) ?? str(button.payload) ?? '';
    return { content: text, messageTypeData: pick(button, ['payload', 'text']), previewText: text || '[button]' };
  },
  reaction: deriveReaction,
  order: deriveOrder,
  system: (message) => {
    const system = obj(message.system);
    const body = str(system.body) ?? '';
    const messageTypeData = { ...pick(system, ['wa_id', 'customer']), ...rename(system, { type: 'system_type' }) };
    return { content: body || null, messageTypeData, previewText: body || '[system]' };
  },
  unsupported: deriveUnsupported,
  unknown: deriveUnsupported,
  template: (message) => {
    const template = obj(message.template);
    const name = str(template.name) ?? 'template';
    return { content: `Template: ${name}`, messageTypeData: { template_name: name }, previewText: `[template: ${name}]` };
  },
};

/** Computes has_media, content, message_type_data, flow and order fields and a preview for one Meta message. */
export function deriveMessageFields(message: Record<string, unknown>): DerivedMessageFields {
  const type = str(message.type) ?? 'unknown';
  const derive = Object.hasOwn(deriveByType, type) ? deriveByType[type] : undefined;
  const fields = derive ? derive(message) : deriveFutureType(type);
  return {
    hasMedia: Object.hasOwn(mediaLabels, type),
    ...fields,
    messageTypeData: { ...fields.messageTypeData, ...contextHints(message) },
  };
}

function deriveMedia(message: Fields): TypeFields {
  const type = str(message.type) ?? 'media';
  const media = obj(message[type]);
  const caption = str(media.caption);
  const filename = str(media.filename);
  const mimeType = str(media.mime_type);
  // Size and stored URL are unknown until the file is downloaded: present.ts renders §2.3's full
  // form (`Size:`, ` URL:`) once it is stored, and this one until then.
  const content = [caption, mediaLabels[type], filename && `(${filename})`, mimeType && `[Type: ${mimeType}]`];
  const messageTypeData = {
    ...pick(media, ['caption', 'filename', 'mime_type', 'sha256', 'voice', 'animated', 'link']),
    ...rename(media, { id: 'media_id' }),
  };
  return { content: join(content, ' '), messageTypeData, previewText: caption || filename || (media.voice === true ? '[voice note]' : `[${type}]`) };
}

function deriveLocation(message: Fields): TypeFields {
  const location = obj(message.location);
  const name = str(location.name);
  const coordinates = location.latitude !== undefined && location.longitude !== undefined;
  const where = join([name, str(location.address)], ', ');
  const content = join(['Location:', where, coordinates && `(${String(location.latitude)}, ${String(location.longitude)})`], ' ');
  const messageTypeData = pick(location, ['latitude', 'longitude', 'name', 'address', 'url']);
  return { content, messageTypeData, previewText: `📍 ${name ?? 'Location'}` };
}

function deriveContacts(message: Fields): TypeFields {
  const cards = Array.isArray(message.contacts) ? message.contacts.map(obj) : [];
  const summaries = cards.map((card) => {
    const name = str(obj(card.name).formatted_name) ?? 'Unnamed contact';
    const phones = (Array.isArray(card.phones) ? card.phones : []).map((phone) => str(obj(phone).phone));
    const phoneList = join(phones, ', ');
    return phoneList ? `${name} (${phoneList})` : name;
  });
  const names = cards.map((card) => str(obj(card.name).formatted_name) ?? 'Unnamed contact');
  const content = summaries.length ? `${summaries.length === 1 ? 'Contact' : 'Contacts'}: ${summaries.join('; ')}` : '[contacts]';
  const previewText = names.length > 1 ? `👤 ${names.length} contacts` : names[0] ? `👤 ${names[0]}` : content;
  return { content, messageTypeData: { contact_count: cards.length, contact_names: names }, previewText };
}

function deriveInteractive(message: Fields): TypeFields {
  const interactive = obj(message.interactive);
  const kind = str(interactive.type) ?? 'interactive';
  if (kind === 'nfm_reply') return deriveFlowReply(obj(interactive.nfm_reply));
  const reply = obj(interactive[kind]);
  const title = str(reply.title);
  // Outbound interactive bodies (send proxy) carry their text in body.text instead of a reply title.
  const content = title ?? str(obj(interactive.body).text) ?? `[interactive: ${kind}]`;
  const messageTypeData = { interactive_type: kind, ...rename(reply, { id: 'reply_id', title: 'reply_title', description: 'reply_description' }) };
  return { content, messageTypeData, previewText: content };
}

/** `nfm_reply`: a completed Flow (`name: flow`) or an address message answer (`name: address_message`). */
function deriveFlowReply(reply: Fields): TypeFields {
  const flowName = str(reply.name);
  const body = str(reply.body);
  const raw = reply.response_json;
  const flowResponse = typeof raw === 'string' ? parseOrKeep(raw) : raw;
  const flowToken = str(obj(flowResponse).flow_token);
  const answers = Object.entries(obj(flowResponse)).filter(([key]) => key !== 'flow_token');
  // Meta's body for a flow is just "Sent", so the answers make the useful summary.
  const summary = answers.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const isFlow = flowName === 'flow' || body === undefined;
  const content = isFlow ? `Flow response: ${summary.join(', ') || body || 'submitted'}` : body;
  // Address bodies are multi-line; a preview is one line.
  const oneLine = content.replace(/\s*\n\s*/g, ', ');
  const derived: TypeFields = {
    content,
    messageTypeData: { interactive_type: 'nfm_reply', ...pick(reply, ['name', 'body']) },
    previewText: flowName === 'address_message' ? `📍 ${oneLine}` : oneLine,
  };
  if (flowResponse !== undefined) derived.flowResponse = flowResponse;
  if (flowToken !== undefined) derived.flowToken = flowToken;
  if (flowName !== undefined) derived.flowName = flowName;
  return derived;
}

function deriveReaction(message: Fields): TypeFields {
  const reaction = obj(message.reaction);
  const emoji = str(reaction.emoji);
  const target = str(reaction.message_id);
  // An omitted emoji is Meta's way of saying the user removed the reaction.
  const content = emoji ? join([`Reacted ${emoji}`, target && `to ${target}`], ' ') : join(['Removed reaction', target && `from ${target}`], ' ');
  const messageTypeData = { ...pick(reaction, ['message_id', 'emoji']), removed: !emoji };
  return { content, messageTypeData, previewText: emoji ? `Reacted ${emoji}` : 'Removed reaction' };
}

function deriveOrder(message: Fields): TypeFields {
  const order = obj(message.order);
  const items = Array.isArray(order.product_items) ? order.product_items.map(obj) : [];
  const orderText = str(order.text);
  const lines = items.map((item) => {
    const price = item.item_price !== undefined ? ` @ ${String(item.item_price)} ${str(item.currency) ?? ''}`.trimEnd() : '';
    return `${str(item.product_retailer_id) ?? 'item'} x${String(item.quantity ?? 1)}${price}`;
  });
  const count = `${items.length} ${items.length === 1 ? 'item' : 'items'}`;
  const content = join([`Order with ${count}${lines.length ? `: ${lines.join(', ')}` : ''}.`, orderText && `Note: ${orderText}`], ' ');
  const derived: TypeFields = {
    content,
    messageTypeData: { ...pick(order, ['catalog_id', 'product_items']), item_count: items.length },
    previewText: `🛒 Order (${count})`,
  };
  if (orderText) derived.orderText = orderText;
  return derived;
}

/** `unsupported`/`unknown`: Meta names the original kind in `unsupported.type` and explains in `errors[]`. */
function deriveUnsupported(message: Fields): TypeFields {
  const errorList = Array.isArray(message.errors) ? message.errors : [];
  const original = str(obj(message.unsupported).type) ?? str(obj(errorList[0]).title) ?? str(message.type) ?? 'unknown';
  const content = `[Unsupported message: ${original}]`;
  return { content, messageTypeData: { original_type: original, errors: errorList }, previewText: content };
}

/** A type Meta added after this code was written: stored as received, rendered as a marker (§1.5). */
function deriveFutureType(type: string): TypeFields {
  return { content: `[Unknown message type: ${type}]`, messageTypeData: {}, previewText: `[${type}]` };
}

/** Hints every type may carry: reply/forward context, ad referral and group (§1.5). */
function contextHints(message: Fields): Fields {
  const context = obj(message.context);
  const hints: Fields = {
    ...pick(context, ['forwarded', 'frequently_forwarded', 'referred_product']),
    ...rename(context, { id: 'context_message_id', from: 'context_from' }),
    ...pick(message, ['referral', 'group_id']),
  };
  return hints;
}

function obj(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Copies the keys that are present, leaving absent ones out rather than null-padding. */
function pick(source: Fields, keys: string[]): Fields {
  return rename(source, Object.fromEntries(keys.map((key) => [key, key])));
}

function rename(source: Fields, names: Record<string, string>): Fields {
  const result: Fields = {};
  for (const [from, to] of Object.entries(names)) {
    if (source[from] !== undefined) result[to] = source[from];
  }
  return result;
}

/** Joins the parts that are non-empty strings. */
function join(parts: unknown[], separator: string): string {
  return parts.filter((part): part is string => typeof part === 'string' && part !== '').join(separator);
}

function parseOrKeep(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
