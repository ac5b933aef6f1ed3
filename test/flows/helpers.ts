import type { GatewayAndSimulator } from '../helpers/with-simulator.ts';

/** A Flow JSON the simulator finds valid, in the SDK's authoring (camelCase) form. */
export function validFlowJson(title = 'Welcome'): Record<string, unknown> {
  return {
    version: '7.2',
    screens: [
      {
        id: 'WELCOME',
        title,
        terminal: true,
        layout: { type: 'SingleColumnLayout', children: [{ type: 'TextHeading', text: 'Hi there' }, { type: 'Footer', label: 'Done', onClickAction: { name: 'complete', payload: {} } }] },
      },
    ],
  };
}

/** The same Flow JSON as Meta's wire text (what `flow_json` and the asset file carry). */
export function validFlowJsonText(title = 'Welcome'): string {
  return JSON.stringify({
    version: '7.2',
    screens: [{ id: 'WELCOME', title, terminal: true, layout: { type: 'SingleColumnLayout', children: [{ type: 'TextHeading', text: 'Hi there' }] } }],
  });
}

/** A flow made at Meta (the simulator) directly with the number's token, never seen by the gateway. */
export async function createFlowOutsideGateway(env: GatewayAndSimulator, t: { wabaId: string; accessToken: string }, name: string): Promise<string> {
  const res = await fetch(`${env.simulatorUrl}/v24.0/${t.wabaId}/flows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, categories: ['OTHER'], flow_json: validFlowJsonText() }),
  });
  if (res.status !== 200) throw new Error(`the simulator refused the flow: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** A multipart asset upload body as Kapso's SDK sends it (kapso-api.md §6.8). */
export function assetForm(file: string | Uint8Array, parts: Record<string, string> = { name: 'flow.json', asset_type: 'FLOW_JSON' }): FormData {
  const form = new FormData();
  form.append('file', new Blob([typeof file === 'string' ? file : new Uint8Array(file)], { type: 'application/json' }), 'flow.json');
  for (const [name, value] of Object.entries(parts)) form.append(name, value);
  return form;
}
