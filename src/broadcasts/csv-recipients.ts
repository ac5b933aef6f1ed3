import type { RecipientInput } from './add-recipients.ts';
import { slotsOf, type StoredTemplate } from './template.ts';

/**
 * Rows of a CSV file (RFC 4180: commas, double-quoted fields with `""` escapes and line breaks,
 * CRLF or LF), the first row being the header. Pure.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows.filter((r) => !(r.length === 1 && r[0]?.trim() === ''));
}

/**
 * Recipients from a CSV whose header names `phone_number` and the template's variables:
 * `first_name` or `1` (body), `header.<variable>`, `header.image` / `.video` / `.document` (a
 * link), `button.<index>` (a URL suffix or coupon code); or one `components` column holding
 * Meta's components as JSON. The rows are then checked like the API's (add-recipients.ts).
 */
export function recipientsFromCsv(text: string, template: StoredTemplate): RecipientInput[] {
  const [header, ...rows] = parseCsv(text);
  const columns = (header ?? []).map((h) => h.trim());
  if (!columns.includes('phone_number')) throw new Error('the CSV header must name a phone_number column');
  const slots = slotsOf(template);
  const named = template.parameter_format === 'NAMED';
  return rows.map((cells) => {
    const cell = (name: string) => {
      const i = columns.indexOf(name);
      return i < 0 ? undefined : cells[i];
    };
    const raw = cell('components');
    if (raw !== undefined && raw.trim() !== '') return { phone_number: cell('phone_number'), components: parseJson(raw) };
    const components: unknown[] = [];
    for (const slot of slots) {
      if (slot.part === 'button') {
        const value = cell(`button.${slot.index}`);
        if (value === undefined || value === '') continue;
        const parameter = slot.parameterType === 'text' ? { type: 'text', text: value } : { type: slot.parameterType, [slot.parameterType]: value };
        components.push({ type: 'button', sub_type: slot.subType, index: String(slot.index), parameters: [parameter] });
      } else if (slot.part === 'header' && slot.kind !== 'text') {
        const link = cell(`header.${slot.kind}`);
        if (link) components.push({ type: 'header', parameters: [{ type: slot.kind, [slot.kind]: { link } }] });
      } else if ('variables' in slot) {
        const prefix = slot.part === 'header' ? 'header.' : '';
        const parameters = slot.variables.map((v) => ({ type: 'text', text: cell(`${prefix}${v}`) ?? cell(`${slot.part}.${v}`) ?? '', ...(named ? { parameter_name: v } : {}) }));
        components.push({ type: slot.part, parameters });
      }
    }
    return { phone_number: cell('phone_number'), components };
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
