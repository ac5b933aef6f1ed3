import { readJson } from '../db/json.ts';
import type { BroadcastRecipientRow } from '../db/schema.ts';
import type { StoredTemplate } from './template.ts';

/** The Cloud API send of one recipient (meta-cloud-api.md §2.3), as a SendBody for the proxy's send path. */
// A type, not an interface: it must fit SendBody's open index signature.
export type TemplateSend = {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
  type: 'template';
  template: { name: string; language: { code: string }; components?: unknown[] };
  biz_opaque_callback_data: string;
};

/**
 * A recipient's template message (pure): the template the broadcast kept, in its language, with
 * the recipient's own components as they were checked when added, tagged with the recipient's
 * `send_tag` so that Meta's status webhooks name the recipient even if the send's answer is lost.
 */
export function templateSendOf(template: Pick<StoredTemplate, 'name' | 'language'>, recipient: Pick<BroadcastRecipientRow, 'phone_number' | 'components' | 'send_tag'>): TemplateSend {
  const components = readJson<unknown[]>(recipient.components);
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: `+${recipient.phone_number}`,
    type: 'template',
    template: { name: template.name, language: { code: template.language }, ...(components.length > 0 ? { components } : {}) },
    biz_opaque_callback_data: recipient.send_tag,
  };
}
