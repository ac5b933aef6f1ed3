import { type Slot, slotsOf, type StoredTemplate } from './template.ts';

/**
 * Checks one recipient's `components` (Meta's send-time syntax, kapso-broadcasts.md §2.4) against
 * the template kept with the broadcast, before anything is stored, so that a recipient who would
 * certainly be refused by Meta (132000 count mismatch, 132012 format mismatch) is reported at
 * once in `errors` instead of failing during the send. Pure; returns the reason, or null.
 */
export function checkRecipientComponents(template: StoredTemplate, components: unknown): string | null {
  if (components !== undefined && components !== null && !Array.isArray(components)) return 'components must be an array';
  const given = (components ?? []) as unknown[];
  const slots = slotsOf(template);
  const seen = new Set<string>();
  for (const raw of given) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'each component must be an object';
    const c = raw as Record<string, unknown>;
    const type = typeof c.type === 'string' ? c.type.toLowerCase() : '';
    if (type !== 'header' && type !== 'body' && type !== 'button') return `component type ${JSON.stringify(c.type ?? null)} is not header, body or button`;
    const key = type === 'button' ? `button:${String(c.index)}` : type;
    if (seen.has(key)) return `component ${key} is given twice`;
    seen.add(key);
    if (!Array.isArray(c.parameters)) return `${type} component needs a parameters array`;
    const problem = type === 'button' ? checkButton(slots, c) : checkTextPart(template, slots, type as 'header' | 'body', c.parameters);
    if (problem) return problem;
  }
  for (const slot of slots) {
    if (slot.part === 'button' && !slot.required) continue;
    const key = slot.part === 'button' ? `button:${slot.index}` : slot.part;
    if (seen.has(key)) continue;
    if (slot.part === 'button') return `template button ${slot.index} (${slot.subType}) needs a parameter`;
    if ('variables' in slot) return `template parameters invalid - requires ${slot.variables.length} parameters but got 0`;
    return `template header requires one ${slot.kind} parameter`;
  }
  return null;
}

function checkTextPart(template: StoredTemplate, slots: Slot[], part: 'header' | 'body', parameters: unknown[]): string | null {
  const slot = slots.find((s) => s.part === part);
  if (slot && slot.part === 'header' && slot.kind !== 'text') return checkMediaHeader(slot.kind, parameters);
  const variables = slot && 'variables' in slot ? slot.variables : [];
  if (parameters.length !== variables.length) {
    const where = part === 'body' ? '' : `${part} `;
    return `template ${where}parameters invalid - requires ${variables.length} parameters but got ${parameters.length}`;
  }
  const named = template.parameter_format === 'NAMED';
  const names = new Set<string>();
  for (const [i, raw] of parameters.entries()) {
    const p = (raw ?? {}) as Record<string, unknown>;
    if (p.type !== 'text' && p.type !== 'currency' && p.type !== 'date_time') return `${part} parameter ${i + 1} must be of type text`;
    if (p.type === 'text' && (typeof p.text !== 'string' || p.text.trim() === '')) return `${part} parameter ${i + 1} needs a non-empty text`;
    if (p.type === 'text' && (p.text as string).length > 1024) return `${part} parameter ${i + 1} is longer than 1024 characters`;
    if (named) {
      const name = p.parameter_name;
      if (typeof name !== 'string' || !variables.includes(name)) return `${part} parameter ${i + 1} must name one of the template's parameters (${variables.join(', ')})`;
      if (names.has(name)) return `${part} parameter ${name} is given twice`;
      names.add(name);
    } else if (p.parameter_name !== undefined) {
      return `${part} parameter ${i + 1} has a parameter_name, but the template's parameters are positional`;
    }
  }
  return null;
}

function checkMediaHeader(kind: string, parameters: unknown[]): string | null {
  const p = (parameters[0] ?? {}) as Record<string, unknown>;
  if (parameters.length !== 1 || p.type !== kind) return `template header requires one ${kind} parameter`;
  if (kind === 'location') return typeof p.location === 'object' && p.location !== null ? null : 'header location parameter needs a location object';
  const media = p[kind] as Record<string, unknown> | undefined;
  const link = media?.link;
  const id = media?.id;
  if (typeof id === 'string' && /^\d{1,32}$/.test(id)) return null;
  if (typeof link === 'string' && /^https?:\/\/\S+$/i.test(link)) return null;
  return `header ${kind} parameter needs a ${kind}.link (http or https URL) or ${kind}.id`;
}

function checkButton(slots: Slot[], c: Record<string, unknown>): string | null {
  const index = typeof c.index === 'string' || typeof c.index === 'number' ? String(c.index) : '';
  if (!/^\d{1,2}$/.test(index)) return 'button component needs an index (the button position, from 0)';
  const slot = slots.find((s) => s.part === 'button' && s.index === Number(index));
  if (!slot || slot.part !== 'button') return `template has no button ${index} that takes a parameter`;
  if (typeof c.sub_type !== 'string' || c.sub_type.toLowerCase() !== slot.subType) return `button ${index} must have sub_type ${slot.subType}`;
  const parameters = c.parameters as unknown[];
  const p = (parameters[0] ?? {}) as Record<string, unknown>;
  if (parameters.length !== 1 || p.type !== slot.parameterType) return `button ${index} requires one ${slot.parameterType} parameter`;
  const value = p[slot.parameterType === 'text' ? 'text' : slot.parameterType];
  if (typeof value !== 'string' || value.trim() === '') return `button ${index} parameter needs a non-empty ${slot.parameterType === 'text' ? 'text' : slot.parameterType}`;
  return null;
}
