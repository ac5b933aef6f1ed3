/**
 * A template as Meta's listing returns it (meta-cloud-api.md §6.2: uppercase enums), kept with
 * the broadcast at creation, and what a recipient must supply to fill it.
 */
export interface StoredTemplate {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  parameter_format: 'NAMED' | 'POSITIONAL';
  components: Array<Record<string, unknown>>;
}

/** A template that may be sent (§6.5: only APPROVED is sendable). */
export function isSendable(template: StoredTemplate): boolean {
  return template.status.toUpperCase() === 'APPROVED';
}

/** The `{{…}}` variables of a text in order: `1`, `2` or `first_name` (§6.1). */
export function variablesOf(text: unknown): string[] {
  return typeof text === 'string' ? [...text.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((m) => m[1] as string) : [];
}

/** What one template part expects from each recipient. */
export type Slot =
  | { part: 'header'; kind: 'text'; variables: string[] }
  | { part: 'header'; kind: 'image' | 'video' | 'document' | 'location' }
  | { part: 'body'; variables: string[] }
  | { part: 'button'; index: number; subType: string; required: boolean; parameterType: string };

/** Button types whose send-time `sub_type` is named differently from their definition's `type`. */
const SUB_TYPES: Readonly<Record<string, string>> = { URL: 'url', QUICK_REPLY: 'quick_reply', COPY_CODE: 'copy_code', FLOW: 'flow', CATALOG: 'catalog', MPM: 'mpm', OTP: 'url', VOICE_CALL: 'voice_call', PHONE_NUMBER: 'phone_number' };

/**
 * The slots of a template (meta-cloud-api.md §2.3 "template"): a text header's variables or a
 * media header's one parameter, the body's variables, and per button whether a parameter is
 * required (a URL with `{{1}}`, a copy-code coupon) or optional (a quick reply's payload).
 */
export function slotsOf(template: StoredTemplate): Slot[] {
  const slots: Slot[] = [];
  for (const component of template.components) {
    const type = String(component.type ?? '').toUpperCase();
    if (type === 'HEADER') {
      const format = String(component.format ?? 'TEXT').toUpperCase();
      if (format === 'TEXT') {
        const variables = variablesOf(component.text);
        if (variables.length > 0) slots.push({ part: 'header', kind: 'text', variables });
      } else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT' || format === 'LOCATION') {
        slots.push({ part: 'header', kind: format.toLowerCase() as 'image' });
      }
    } else if (type === 'BODY') {
      const variables = variablesOf(component.text);
      if (variables.length > 0) slots.push({ part: 'body', variables });
    } else if (type === 'BUTTONS' && Array.isArray(component.buttons)) {
      component.buttons.forEach((raw: unknown, index: number) => {
        const button = (raw ?? {}) as Record<string, unknown>;
        const buttonType = String(button.type ?? '').toUpperCase();
        const subType = SUB_TYPES[buttonType] ?? buttonType.toLowerCase();
        if (buttonType === 'URL' && variablesOf(button.url).length > 0) slots.push({ part: 'button', index, subType, required: true, parameterType: 'text' });
        else if (buttonType === 'COPY_CODE') slots.push({ part: 'button', index, subType, required: true, parameterType: 'coupon_code' });
        else if (buttonType === 'QUICK_REPLY') slots.push({ part: 'button', index, subType, required: false, parameterType: 'payload' });
      });
    }
  }
  return slots;
}
