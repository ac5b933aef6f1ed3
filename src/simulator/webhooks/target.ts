import type { SimNumber, SimulatorState } from '../state.ts';
import type { WebhookItem } from './payload.ts';

/** Where a webhook goes and the app secret that signs it. */
export interface Target {
  url: string;
  secret: string;
}

/**
 * The number's own webhook URL, else the simulator's default; template events (WABA-level)
 * go to a number of their WABA. The number is read from the state at delivery time, so a
 * re-registration with a new URL takes effect for updates already scheduled.
 */
export function webhookTarget(state: SimulatorState, defaultUrl: string | undefined, item: WebhookItem): Target | undefined {
  const number = numberOf(state, item);
  const url = number?.webhookUrl ?? defaultUrl;
  return number && url ? { url, secret: number.appSecret } : undefined;
}

function numberOf(state: SimulatorState, item: WebhookItem): SimNumber | undefined {
  if (item.kind !== 'template') return state.numbers.get(item.number.phoneNumberId) ?? item.number;
  return [...state.numbers.values()].find((n) => n.wabaId === item.wabaId);
}
