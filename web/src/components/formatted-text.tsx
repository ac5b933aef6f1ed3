import { useMemo } from 'react';
import { type FormatSpan, parseWhatsAppFormat } from '../lib/whatsapp-format.ts';

const TAGS = { bold: 'strong', italic: 'em', strike: 's', mono: 'code' } as const;

/** Message text with WhatsApp's formatting, rendered as text nodes only. */
export function FormattedText({ text }: { text: string }) {
  const spans = useMemo(() => parseWhatsAppFormat(text), [text]);
  return <>{renderSpans(spans)}</>;
}

function renderSpans(spans: FormatSpan[]) {
  return spans.map((span, i) => {
    if (typeof span === 'string') return span;
    const Tag = TAGS[span.style];
    return <Tag key={i}>{renderSpans(span.children)}</Tag>;
  });
}
