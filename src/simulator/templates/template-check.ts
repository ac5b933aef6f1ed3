import { simErrors } from '../graph-errors.ts';
import type { SimTemplate } from '../state.ts';
import type { TemplateSend } from '../validate/template-schemas.ts';
import { templateVariables } from './template-rules.ts';

/**
 * Checks a template send against the stored template (meta-cloud-api.md §6.5, §7.6): unknown
 * name/language or not approved → 132001 (HTTP 404); paused → 132015; disabled → 132016;
 * parameter count ≠ variables → 132000; named vs positional or media format mismatch → 132012.
 */
export function checkTemplateSend(template: SimTemplate | undefined, send: TemplateSend): void {
  const where = `template name (${send.name}) does not exist in ${send.language.code}`;
  if (!template) throw simErrors.meta(132001, where);
  if (template.status === 'PAUSED') throw simErrors.meta(132015);
  if (template.status === 'DISABLED') throw simErrors.meta(132016);
  if (template.status !== 'APPROVED') throw simErrors.meta(132001, `${where} or is not approved (status ${template.status})`);
  for (const part of ['header', 'body'] as const) checkPart(template, send, part);
}

function checkPart(template: SimTemplate, send: TemplateSend, part: 'header' | 'body'): void {
  const stored = template.components.find((c) => c.type === part.toUpperCase());
  const parameters = send.components?.find((c) => c.type === part)?.parameters ?? [];
  const format = typeof stored?.format === 'string' ? stored.format : 'TEXT';
  if (part === 'header' && stored && format !== 'TEXT') {
    const expected = format.toLowerCase();
    if (parameters.length !== 1 || parameters[0]?.type !== expected) {
      throw simErrors.meta(132012, `header: Format mismatch, expected ${format}, received ${parameters[0]?.type?.toUpperCase() ?? 'UNKNOWN'}`);
    }
    return;
  }
  const variables = templateVariables(typeof stored?.text === 'string' ? stored.text : undefined);
  if (parameters.length !== variables.length) {
    throw simErrors.meta(132000, `${part}: number of localizable_params (${parameters.length}) does not match the expected number of params (${variables.length})`);
  }
  const named = template.parameterFormat === 'NAMED';
  for (const parameter of parameters) {
    const name = parameter.parameter_name;
    if (named ? name === undefined || !variables.includes(name) : name !== undefined) {
      throw simErrors.meta(132012, `${part}: parameter ${name ?? '(unnamed)'} does not match the template's ${template.parameterFormat.toLowerCase()} parameters`);
    }
  }
}
