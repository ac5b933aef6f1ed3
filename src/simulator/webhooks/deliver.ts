import { type Dispatcher, request } from 'undici';
import { signPayload } from '../../ingest/signature.ts';

/** What one webhook POST came to. */
export interface PostOutcome {
  statusCode: number | null;
  error?: string;
  durationMs: number;
}

/**
 * POSTs one signed payload with a timeout and reads the answer away. Only the status matters:
 * Meta counts anything but 200 (or no answer) as a failed delivery (§1.3). Network failures are
 * reported by undici's error `code`, not by message text.
 */
export async function postWebhook(
  dispatcher: Dispatcher,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await request(url, {
      method: 'POST',
      body,
      headers,
      dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await response.body.dump();
    return { statusCode: response.statusCode, durationMs: elapsed() };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { statusCode: null, error: code ?? (err instanceof Error ? err.message : String(err)), durationMs: elapsed() };
  }
}

/**
 * Headers of a webhook POST: JSON, Meta's user agent and `X-Hub-Signature-256` over the exact
 * body (§1.2) — or, as a fault (§7.13), signed with a wrong secret or not signed at all.
 */
export function webhookHeaders(body: string, secret: string, signature: 'valid' | 'invalid' | 'missing'): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
  if (signature === 'valid') headers['x-hub-signature-256'] = signPayload(body, secret);
  if (signature === 'invalid') headers['x-hub-signature-256'] = signPayload(body, `${secret}-wrong`);
  return headers;
}
