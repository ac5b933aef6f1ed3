import { expect } from 'vitest';
import type { TestGateway } from '../helpers/harness.ts';

export const PROJECT_WEBHOOKS = '/platform/v1/whatsapp/webhooks';

/** The phone-number webhooks collection of a number. */
export function numberWebhooks(phoneNumberId: string): string {
  return `/platform/v1/whatsapp/phone_numbers/${phoneNumberId}/webhooks`;
}

/** A request with a project key; `payload` is sent as JSON. */
export function call(gw: TestGateway, apiKey: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return gw.app.inject({ method, url, headers: { 'x-api-key': apiKey }, ...(payload ? { payload } : {}) });
}

/** Creates a webhook (on a number's collection or the project's) and returns its §8.7 object. */
export async function createWebhook(gw: TestGateway, apiKey: string, collection: string, fields: Record<string, unknown>) {
  const res = await call(gw, apiKey, 'POST', collection, { whatsapp_webhook: fields });
  if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}: ${res.body}`);
  return res.json().data as Record<string, unknown> & { id: string; secret_key: string };
}

/** An instant as the API writes it (ISO 8601 UTC with microseconds). */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** Asserts Meta's whole error envelope. */
export function expectGraphError(
  res: { statusCode: number; json(): unknown },
  expected: { status: number; message: string; details: string | ReturnType<typeof expect.stringContaining>; code?: number; type?: string },
): void {
  expect(res.statusCode).toBe(expected.status);
  expect(res.json()).toEqual({
    error: {
      message: expected.message,
      type: expected.type ?? 'OAuthException',
      code: expected.code ?? 100,
      error_data: { messaging_product: 'whatsapp', details: expected.details },
      fbtrace_id: expect.any(String),
    },
  });
}

/** Meta's 400 invalid-parameter envelope with the given details. */
export function expectInvalid(res: { statusCode: number; json(): unknown }, details: string | ReturnType<typeof expect.stringContaining>): void {
  expectGraphError(res, { status: 400, message: '(#100) Invalid parameter', details });
}
