// WhatsApp's text formatting (*bold*, _italic_, ~strike~, ```mono```, `code`) parsed into a tree
// of spans. Pure, so the thread renders message text as text nodes only: the markup can style
// what a customer typed but never inject any.

export type FormatStyle = 'bold' | 'italic' | 'strike' | 'mono';
export type FormatSpan = string | { style: FormatStyle; children: FormatSpan[] };

const STYLE_OF: Record<string, FormatStyle> = { '*': 'bold', _: 'italic', '~': 'strike' };

// A delimiter opens after the start or a non-word character and before a non-space, and closes
// after a non-space and before the end or a non-word character, on one line: as WhatsApp does,
// so `2*3*4` and `snake_case_name` stay plain.
const INLINE = /(^|[^\p{L}\p{N}])([*_~])(?=\S)([^\n]*?\S)\2(?![\p{L}\p{N}])/u;
const BLOCK_MONO = /```([\s\S]+?)```/;
const INLINE_CODE = /`([^`\n]+)`/;

/** Parses message text into formatted spans. */
export function parseWhatsAppFormat(text: string): FormatSpan[] {
  const block = BLOCK_MONO.exec(text);
  if (block) {
    const mono: FormatSpan = { style: 'mono', children: [block[1] ?? ''] };
    return [...parseWhatsAppFormat(text.slice(0, block.index)), mono, ...parseWhatsAppFormat(text.slice(block.index + block[0].length))].filter(nonEmpty);
  }
  const code = INLINE_CODE.exec(text);
  if (code) {
    const mono: FormatSpan = { style: 'mono', children: [code[1] ?? ''] };
    return [...parseInline(text.slice(0, code.index)), mono, ...parseWhatsAppFormat(text.slice(code.index + code[0].length))].filter(nonEmpty);
  }
  return parseInline(text);
}

function parseInline(text: string): FormatSpan[] {
  const match = INLINE.exec(text);
  if (!match) return text ? [text] : [];
  const [whole, lead = '', delimiter = '', inner = ''] = match;
  const start = match.index + lead.length;
  const span: FormatSpan = { style: STYLE_OF[delimiter] ?? 'bold', children: parseInline(inner) };
  return [text.slice(0, start), span, ...parseInline(text.slice(match.index + whole.length))].filter(nonEmpty);
}

function nonEmpty(span: FormatSpan): boolean {
  return span !== '';
}
