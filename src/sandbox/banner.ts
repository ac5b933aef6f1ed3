import type { SandboxDetails } from './ensure-sandbox.ts';

/**
 * What a newcomer sees on `npm start`: the sandbox's key and number, a one-time link that signs in
 * to the team inbox, and two copy-paste lines that send a text and read it back by id.
 */
export function sandboxBanner(sandbox: SandboxDetails, gatewayUrl: string, simulatorUrl: string, signInUrl: string | null = null): string {
  const pnid = sandbox.phone_number.id;
  const key = sandbox.api_key;
  const body = JSON.stringify({ messaging_product: 'whatsapp', to: sandbox.customer_wa_id, type: 'text', text: { body: 'Hello from Switchboard' } });
  const send = `WAMID=$(curl -s -X POST ${gatewayUrl}/v24.0/${pnid}/messages -H 'X-API-Key: ${key}' -H 'Content-Type: application/json' -d '${body}' | sed -E 's/.*"id":"([^"]+)".*/\\1/') && echo "$WAMID"`;
  const read = `curl -s "${gatewayUrl}/v24.0/${pnid}/messages/$WAMID" -H 'X-API-Key: ${key}'`;
  return [
    '',
    `Switchboard sandbox ready: ${gatewayUrl} (simulated Meta Cloud API at ${simulatorUrl})`,
    `  API key          ${key}`,
    `  phone number id  ${pnid}  (${sandbox.phone_number.display_phone_number}, WABA ${sandbox.phone_number.waba_id})`,
    `  customer         ${sandbox.customer_wa_id}  (writes first and echoes whatever you send)`,
    `  customer         ${sandbox.username_customer.business_scoped_user_id}  (@${sandbox.username_customer.username}: hides their phone; send with "recipient" instead of "to")`,
    '',
    ...(signInUrl === null ? [] : [`Open the inbox: ${signInUrl}`, '  (a one-time link for the sandbox admin, valid 24 h; every start prints a new one)', '']),
    'Send a text:',
    `  ${send}`,
    'Read it back by id:',
    `  ${read}`,
    '',
  ].join('\n');
}
