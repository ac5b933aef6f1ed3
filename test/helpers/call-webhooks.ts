/** Builders for Meta's `calls` webhook bodies (WhatsApp Calling), for tests that need exact control. */

/** A `calls` change around call items (and optionally call statuses and the caller's contact). */
export function callsWebhook(
  phoneNumberId: string,
  value: { calls?: unknown[]; statuses?: unknown[]; contacts?: unknown[] },
  display = '15550102030',
): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '109876543210987',
        changes: [{ field: 'calls', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: display, phone_number_id: phoneNumberId }, ...value } }],
      },
    ],
  });
}

/** A customer's call reaching the business: `connect` with an SDP offer, no direction (as Meta's example). */
export function inboundConnect(id: string, timestamp: number, from = '14155550123') {
  return { id, from, to: '15550102030', event: 'connect', timestamp: String(timestamp), session: { sdp_type: 'offer', sdp: 'v=0' } };
}

/** The end of a call. */
export function terminateItem(
  id: string,
  opts: { timestamp: number; status: string; start?: number; end?: number; duration?: number; direction?: 'USER_INITIATED' | 'BUSINESS_INITIATED'; from?: string; to?: string },
) {
  return {
    id,
    from: opts.from ?? '14155550123',
    to: opts.to ?? '15550102030',
    event: 'terminate',
    direction: opts.direction ?? 'USER_INITIATED',
    timestamp: String(opts.timestamp),
    status: opts.status,
    ...(opts.start !== undefined ? { start_time: String(opts.start) } : {}),
    ...(opts.end !== undefined ? { end_time: String(opts.end) } : {}),
    ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
  };
}
