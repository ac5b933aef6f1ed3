import type { FormData } from 'undici';
import type { Config } from '../config.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { type Cipher, secretSlots } from '../crypto/secrets.ts';
import type { GraphClient, GraphResponse } from './graph-client.ts';
import { graphOriginOf } from './graph-origin.ts';
import type { GraphPath } from './graph-path.ts';

/** What a call in a number's name needs: its sealed token opened, the client, the Graph origin. */
export interface NumberCallDeps {
  cipher: Cipher;
  graph: GraphClient;
  config: Pick<Config, 'meta'>;
}

/** The body of a call: a multipart form, bytes or text with their content type, or nothing. */
export type CallPayload = { form: FormData } | { body: Buffer | string; contentType: string };

/**
 * One Graph call under the number's token, at the number's Graph origin, to a path a route built
 * (graph-path.ts), with the body the route chose. The token is opened here and goes nowhere but
 * the Authorization header. `requestId` is the id of the gateway request the call serves
 * (X-Request-Id); undefined for calls no request made.
 */
export async function callAsNumber(
  deps: NumberCallDeps,
  number: PhoneNumberRow,
  method: 'GET' | 'POST' | 'DELETE',
  path: GraphPath,
  payload?: CallPayload,
  requestId?: string,
): Promise<GraphResponse> {
  const token = deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id));
  const origin = graphOriginOf(deps, number);
  if (payload === undefined) return deps.graph.call(origin, { method, path, token, requestId });
  if ('form' in payload) return deps.graph.call(origin, { method, path, token, requestId, body: payload.form });
  return deps.graph.call(origin, { method, path, token, requestId, body: payload.body, contentType: payload.contentType });
}
