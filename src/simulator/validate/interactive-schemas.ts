import { z } from 'zod';

/**
 * Interactive message bodies per `interactive.type` (meta-cloud-api.md §2.3) with the limits of
 * §2.5. The commerce and carousel types are accepted loosely, as §2.3 allows.
 */

const mediaRef = z.looseObject({ id: z.string().min(1).optional(), link: z.string().min(1).optional() });
const header = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(60) }),
  z.strictObject({ type: z.literal('image'), image: mediaRef }),
  z.strictObject({ type: z.literal('video'), video: mediaRef }),
  z.strictObject({ type: z.literal('document'), document: mediaRef }),
]);
const textHeader = z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(60) });
const body = (max: number) => z.strictObject({ text: z.string().min(1).max(max) });
const footer = z.strictObject({ text: z.string().min(1).max(60) });

const uniqueBy = <T>(key: (item: T) => string) => (items: T[]) => new Set(items.map(key)).size === items.length;

const reply = z.strictObject({
  type: z.literal('reply'),
  reply: z.strictObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }),
});
type Reply = z.infer<typeof reply>;

const button = z.looseObject({
  type: z.literal('button'),
  header: header.optional(),
  body: body(1024),
  footer: footer.optional(),
  action: z.strictObject({
    buttons: z
      .array(reply)
      .min(1)
      .max(3)
      .refine(uniqueBy((b: Reply) => b.reply.title), { message: 'Param {param} must have unique titles.' })
      .refine(uniqueBy((b: Reply) => b.reply.id), { message: 'Param {param} must have unique ids.' }),
  }),
});

const row = z.strictObject({
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(24),
  description: z.string().max(72).optional(),
});
const section = z.strictObject({ title: z.string().min(1).max(24).optional(), rows: z.array(row).min(1).max(10) });
type Section = z.infer<typeof section>;

const list = z.looseObject({
  type: z.literal('list'),
  header: textHeader.optional(),
  body: body(4096),
  footer: footer.optional(),
  action: z.strictObject({
    button: z.string().min(1).max(20),
    sections: z
      .array(section)
      .min(1)
      .max(10)
      .refine((s: Section[]) => s.reduce((n, x) => n + x.rows.length, 0) <= 10, { message: 'Param {param} must have at most 10 rows in total.' })
      .refine((s: Section[]) => s.length === 1 || s.every((x) => x.title), { message: 'Param {param} needs a title on every section when there are several.' })
      .refine((s: Section[]) => uniqueBy((r: { id: string }) => r.id)(s.flatMap((x) => x.rows)), { message: 'Param {param} must have unique row ids.' }),
  }),
});

const ctaUrl = z.looseObject({
  type: z.literal('cta_url'),
  header: header.optional(),
  body: body(1024),
  footer: footer.optional(),
  action: z.strictObject({
    name: z.literal('cta_url'),
    parameters: z.strictObject({ display_text: z.string().min(1).max(20), url: z.string().regex(/^https?:\/\/\S+$/i) }),
  }),
});

const flowParameters = z
  .looseObject({
    flow_message_version: z.literal('3'),
    flow_cta: z.string().min(1).max(20),
    flow_id: z.string().min(1).optional(),
    flow_name: z.string().min(1).optional(),
    flow_token: z.string().optional(),
    mode: z.enum(['published', 'draft']).optional(),
    flow_action: z.enum(['navigate', 'data_exchange']).optional(),
    flow_action_payload: z.looseObject({ screen: z.string().min(1) }).optional(),
  })
  .refine((p) => (p.flow_id === undefined) !== (p.flow_name === undefined), { message: 'Param {param} must have exactly one of flow_id or flow_name.' });

const flow = z.looseObject({
  type: z.literal('flow'),
  header: header.optional(),
  body: body(1024),
  footer: footer.optional(),
  action: z.strictObject({ name: z.literal('flow'), parameters: flowParameters }),
});

// Kapso's SDK (0.3.0) always sends `parameters.request_message` beside the `name` of §2.3, so a
// strict action would refuse every location request its users send (kapso-api.md §6.1.1).
const locationRequest = z.looseObject({
  type: z.literal('location_request_message'),
  body: body(1024),
  action: z.strictObject({ name: z.literal('send_location'), parameters: z.strictObject({ request_message: z.string().min(1).max(1024) }).optional() }),
});

// The Calling API's request for permission to call the user (kapso-api.md §6.1.1); the body is optional.
const callPermission = z.looseObject({
  type: z.literal('call_permission_request'),
  body: body(1024).optional(),
  action: z.looseObject({ name: z.literal('call_permission_request') }),
});

const address = z.looseObject({
  type: z.literal('address_message'),
  header: header.optional(),
  body: body(1024),
  footer: footer.optional(),
  action: z.strictObject({ name: z.literal('address_message'), parameters: z.looseObject({ country: z.string().length(2) }) }),
});

const product = z.looseObject({
  type: z.literal('product'),
  action: z.looseObject({ catalog_id: z.string().min(1), product_retailer_id: z.string().min(1) }),
});

const productList = z.looseObject({
  type: z.literal('product_list'),
  header: textHeader,
  body: body(1024),
  action: z.looseObject({
    catalog_id: z.string().min(1),
    sections: z
      .array(z.looseObject({ title: z.string().min(1).max(24), product_items: z.array(z.looseObject({ product_retailer_id: z.string().min(1) })).min(1) }))
      .min(1)
      .max(10),
  }),
});

const catalog = z.looseObject({
  type: z.literal('catalog_message'),
  body: body(1024),
  action: z.looseObject({ name: z.literal('catalog_message') }),
});

const loose = (type: string) => z.looseObject({ type: z.literal(type), action: z.looseObject({}) });

/** The accepted `interactive` objects, discriminated on `type`. */
export const interactiveSchema = z.discriminatedUnion('type', [
  button,
  list,
  ctaUrl,
  flow,
  locationRequest,
  address,
  product,
  productList,
  catalog,
  callPermission,
  loose('carousel'),
  loose('voice_call'),
]);
