import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import type { SimTemplate } from '../state.ts';
import { normalizeComponents, parseTemplateCreate } from './template-rules.ts';

/** Statuses from which a template may be edited (§6.3). */
const editable = new Set(['APPROVED', 'REJECTED', 'PAUSED']);
const DAY_MS = 24 * 3600 * 1000;

/**
 * `POST /{waba_id}/message_templates` (§6.1): validates, stores as PENDING and schedules the
 * review that approves (or rejects) it with a status webhook. The same name may exist once
 * per language.
 */
export function createTemplate(ctx: SimContext, wabaId: string, body: unknown): { id: string; status: string; category: string } {
  const input = parseTemplateCreate(body);
  if (ctx.state.templatesOf(wabaId).some((t) => t.name === input.name && t.language === input.language)) {
    throw simErrors.invalidParameter(`Message template "${input.name}" already exists in ${input.language}.`);
  }
  const template: SimTemplate = {
    id: ctx.ids.templateId(),
    wabaId,
    name: input.name,
    language: input.language,
    category: input.category,
    parameterFormat: input.parameter_format ?? 'POSITIONAL',
    components: normalizeComponents(input.components),
    status: 'PENDING',
    createdAtMs: ctx.now(),
  };
  ctx.state.templates.set(template.id, template);
  scheduleReview(ctx, template);
  return { id: template.id, status: template.status, category: template.category };
}

/**
 * `POST /{template_id}` (§6.3): replaces category/components and sends it back to review. An
 * approved template takes one edit per 24 hours and ten per 30 days (code 100 beyond).
 */
export function editTemplate(ctx: SimContext, template: SimTemplate, body: unknown): { success: true } {
  if (!editable.has(template.status)) throw simErrors.invalidParameter(`Templates with status ${template.status} cannot be edited.`);
  const patch = (body ?? {}) as { category?: unknown; components?: unknown };
  const input = parseTemplateCreate({
    name: template.name,
    language: template.language,
    category: patch.category ?? template.category,
    components: patch.components ?? template.components,
  });
  if (template.status === 'APPROVED' && input.category !== template.category) {
    throw simErrors.invalidParameter("An approved template's category cannot be changed.");
  }
  if (template.status === 'APPROVED') countApprovedEdit(ctx, template);
  Object.assign(template, { category: input.category, components: normalizeComponents(input.components), status: 'PENDING' });
  scheduleReview(ctx, template);
  return { success: true };
}

/** Records an edit of an approved template, or refuses it past §6.3's limits. */
function countApprovedEdit(ctx: SimContext, template: SimTemplate): void {
  const now = ctx.now();
  const recent = (template.approvedEditsAtMs ?? []).filter((at) => now - at < 30 * DAY_MS);
  if (recent.some((at) => now - at < DAY_MS)) throw simErrors.invalidParameter('An approved template can be edited once in 24 hours.');
  if (recent.length >= 10) throw simErrors.invalidParameter('An approved template can be edited at most 10 times in 30 days.');
  template.approvedEditsAtMs = [...recent, now];
}

/**
 * `DELETE /{waba_id}/message_templates?name=[&hsm_id=]` (§6.4): every language of the name, or
 * the one template; DISABLED templates cannot be deleted.
 */
export function deleteTemplates(ctx: SimContext, wabaId: string, name: string | undefined, hsmId: string | undefined): { success: true } {
  if (!name) throw simErrors.invalidParameter('The parameter name is required.');
  const doomed = ctx.state.templatesOf(wabaId).filter((t) => t.name === name && (hsmId === undefined || t.id === hsmId));
  if (doomed.length === 0) throw simErrors.invalidParameter(`Message template "${name}"${hsmId ? ` with id ${hsmId}` : ''} does not exist.`);
  if (doomed.some((t) => t.status === 'DISABLED')) throw simErrors.invalidParameter('Disabled templates cannot be deleted.');
  for (const template of doomed) {
    ctx.state.templates.delete(template.id);
    emitTemplateEvent(ctx, template, 'PENDING_DELETION', null);
  }
  return { success: true };
}

/** Sets a template's status and reports it with a `message_template_status_update` (§6.6). */
export function setTemplateStatus(ctx: SimContext, template: SimTemplate, status: string, reason: string | null = 'NONE'): void {
  template.status = status;
  emitTemplateEvent(ctx, template, status, status === 'REJECTED' && reason === 'NONE' ? 'INVALID_FORMAT' : reason);
}

function scheduleReview(ctx: SimContext, template: SimTemplate): void {
  const { delayMs, outcome } = ctx.options.templateReview;
  ctx.scheduler.later(delayMs, () => {
    if (ctx.state.templates.get(template.id) === template && template.status === 'PENDING') setTemplateStatus(ctx, template, outcome);
  });
}

// `message_template_id` is a JSON number and `entry[].time` a number here, unlike elsewhere (§6.6).
function emitTemplateEvent(ctx: SimContext, template: SimTemplate, event: string, reason: string | null): void {
  const value = {
    event,
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    reason,
    message_template_category: template.category,
  };
  ctx.dispatcher.enqueue({ kind: 'template', wabaId: template.wabaId, timeSec: Math.floor(ctx.now() / 1000), value }, 0);
}

/** Meta's sample template, present in every new WABA, so a first template send works. */
export function seedSampleTemplate(ctx: SimContext, wabaId: string): void {
  if (ctx.state.templatesOf(wabaId).length > 0) return;
  const template: SimTemplate = {
    id: ctx.ids.templateId(),
    wabaId,
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
    status: 'APPROVED',
    createdAtMs: ctx.now(),
  };
  ctx.state.templates.set(template.id, template);
}
