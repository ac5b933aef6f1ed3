import { z } from 'zod';

/** Params of the flow routes: the version, and the WABA or flow id (checked by the route). */
export const flowParamsSchema = z.object({ version: z.string(), id: z.string().min(1).max(64) });

/** Whether a text is a JSON object or array (a Flow JSON is an object; Meta judges the rest). */
export function parsesAsJson(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/**
 * `POST /{waba_id}/flows` (kapso-api.md §6.8): Meta's create parameters, checked for shape. Meta
 * judges the values (the category list, the Flow JSON's screens) and answers with its own errors
 * or `validation_errors`. Strict: `clone_flow_id` (and any other parameter) is refused, since a
 * clone would copy a flow the gateway has not checked is the project's, and nothing unknown goes
 * to Meta under the number's token.
 */
export const createFlowBodySchema = z.strictObject({
  name: z.string().min(1).max(512),
  categories: z
    .array(z.string().regex(/^[A-Z_]{1,64}$/, { message: 'Categories are upper-case names such as OTHER or SIGN_UP.' }))
    .min(1)
    .max(16),
  flow_json: z
    .string()
    .min(1)
    .refine(parsesAsJson, { message: 'flow_json must be a JSON object serialized as a string.' })
    .optional(),
  publish: z.boolean().optional(),
  endpoint_uri: z
    .string()
    .max(2048)
    .refine((uri) => URL.canParse(uri) && new URL(uri).protocol === 'https:', { message: 'endpoint_uri must be an https URL.' })
    .optional(),
});

export type CreateFlowBody = z.infer<typeof createFlowBodySchema>;

/** The one asset type Meta takes on `POST /{flow_id}/assets` (kapso-api.md §6.8). */
export const FLOW_ASSET_TYPE = 'FLOW_JSON';
