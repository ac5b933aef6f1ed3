import type { SimTemplate } from '../../src/simulator/index.ts';
import type { GatewayAndSimulator } from './with-simulator.ts';

let templateSeq = 0;

/** A template id shaped like Meta's (16 digits), unique in this run. */
export function newTemplateId(): string {
  templateSeq += 1;
  return `9${String(process.pid % 1000).padStart(3, '0')}${String(Date.now() % 1e8).padStart(8, '0')}${String(templateSeq).padStart(4, '0')}`;
}

/**
 * Puts a template straight into the simulator's WABA, as Meta would list it after review:
 * named `{{first_name}}`/`{{code}}` body variables and a dynamic URL button by default.
 */
export function seedTemplate(env: Pick<GatewayAndSimulator, 'sim'>, wabaId: string, overrides: Partial<SimTemplate> = {}): SimTemplate {
  const template: SimTemplate = {
    id: newTemplateId(),
    wabaId,
    name: `weekend_sale_${templateSeq}`,
    language: 'en_US',
    category: 'MARKETING',
    parameterFormat: 'NAMED',
    components: [
      { type: 'BODY', text: 'Hi {{first_name}}, use {{code}} this weekend.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Maya' }, { param_name: 'code', example: 'SAVE25' }] } },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://shop.example/{{1}}', example: ['https://shop.example/x'] }, { type: 'QUICK_REPLY', text: 'Stop promotions' }] },
    ],
    status: 'APPROVED',
    createdAtMs: Date.now(),
    ...overrides,
  };
  env.sim.state.templates.set(template.id, template);
  return template;
}

/** The components one recipient of seedTemplate's default template gives. */
export function saleComponents(firstName: string, code = 'SAVE25', path = 'weekend'): unknown[] {
  return [
    { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: firstName }, { type: 'text', parameter_name: 'code', text: code }] },
    { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: path }] },
  ];
}

/** A JSON answer as fetch reads it, indexed freely by the assertions. */
export type JsonAnswer = Awaited<ReturnType<Response['json']>>;

/** A Platform API call with the project's key, JSON in and out. */
export async function platform(env: GatewayAndSimulator, apiKey: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: JsonAnswer }> {
  const res = await fetch(`${env.gatewayUrl}/platform/v1/whatsapp${path}`, {
    method,
    headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
