import { type Dispatcher, request } from 'undici';

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
