import type { Deps } from '../deps.ts';
import { latestInboundTimestamp, latestInboundTimestampOfBsuid } from '../messages/store.ts';
import { buildSimulator, type SimTemplate, type Simulator } from '../simulator/index.ts';
import { pairKey } from '../simulator/state.ts';
import { refreshMessagingLimitUnlessSet } from '../tenants/messaging-limit-at-meta.ts';
import { findProjectPhoneNumber } from '../tenants/store.ts';
import { SANDBOX_CUSTOMER, SANDBOX_USERNAME_CUSTOMER, type SandboxDetails } from './ensure-sandbox.ts';
import { setGraphUrl } from './store.ts';
import { secretSlots } from '../crypto/secrets.ts';

/**
 * An approved template in the sandbox's WABA, with the same id on every start (the simulator
 * starts empty), so a newcomer can create a broadcast offline (docs/broadcasts.md).
 */
export const SANDBOX_TEMPLATE: Omit<SimTemplate, 'wabaId' | 'createdAtMs'> = {
  id: '7700000000000001',
  name: 'sandbox_hello',
  language: 'en_US',
  category: 'UTILITY',
  parameterFormat: 'POSITIONAL',
  status: 'APPROVED',
  components: [{ type: 'BODY', text: 'Hello {{1}}! This message comes from a Switchboard sandbox broadcast.', example: { body_text: [['Maya']] } }],
};

/** The customer writes again before Meta's 24-hour window would close (meta-cloud-api.md §5.5). */
const REWRITE_AFTER_MS = 20 * 3_600_000;
const CHECK_EVERY_MS = 15 * 60_000;

export interface RunningSandbox {
  simulator: Simulator;
  simulatorUrl: string;
  /** Has the customer write first (or tells the simulator when it last did), then before the window closes. */
  keepCustomerWriting(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs the sandbox's Meta: an in-process simulator on a loopback port, holding the sandbox number,
 * sending its webhooks to this gateway, with the number's Graph origin pointed at it. Called before
 * the gateway listens, so no request ever sees the number pointed at a previous run's port. Once
 * the gateway listens, `keepCustomerWriting` has the simulated customer write first (so free-form
 * sends succeed) and again before the window would close; it echoes every message sent to it.
 */
export async function runSandbox(deps: Deps, sandbox: SandboxDetails, gatewayUrl: string): Promise<RunningSandbox> {
  const { db } = deps.database;
  const number = await findProjectPhoneNumber(db, sandbox.project.id, sandbox.phone_number.id);
  if (!number) throw new Error('sandbox number missing');
  const simulator = await buildSimulator({
    webhookUrl: `${gatewayUrl}/webhooks/whatsapp`,
    logger: deps.log.child({ component: 'simulator' }),
    pairRateLimit: false,
    numbers: [
      {
        phone_number_id: number.id,
        display_phone_number: number.display_phone_number,
        waba_id: number.waba_id,
        access_token: deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id)),
        app_secret: deps.cipher.decrypt(number.app_secret_enc, secretSlots.appSecret(number.id)),
        verified_name: 'Switchboard Sandbox',
      },
    ],
    autoReply: (message) =>
      message.phoneNumberId === number.id && [sandbox.customer_wa_id, SANDBOX_USERNAME_CUSTOMER.waId].includes(message.waId) ? echoOf(message.type, message.payload) : null,
  });
  simulator.state.templates.set(SANDBOX_TEMPLATE.id, { ...SANDBOX_TEMPLATE, components: [...SANDBOX_TEMPLATE.components], wabaId: number.waba_id, createdAtMs: deps.clock.now() });
  const usernameCustomer = SANDBOX_USERNAME_CUSTOMER;
  simulator.setIdentity(usernameCustomer.waId, { bsuid: usernameCustomer.bsuid, username: usernameCustomer.username, hidePhone: true });
  const simulatorUrl = await simulator.app.listen({ port: 0, host: '127.0.0.1' });
  await setGraphUrl(db, number.id, simulatorUrl);
  // The sandbox number's tier comes from its Meta like any number's (unlimited: nothing waits).
  const unread = await refreshMessagingLimitUnlessSet(deps, number.id);
  if (unread !== null) deps.log.warn({ phoneNumberId: number.id, reason: unread }, "the sandbox number's messaging limit could not be read from its simulator");

  const keepWindowOpenFor = async (waId: string, lastSeconds: number | undefined, name: string) => {
    const lastMs = lastSeconds === undefined ? undefined : lastSeconds * 1000;
    if (lastMs !== undefined && deps.clock.now() - lastMs < REWRITE_AFTER_MS) {
      // The simulator starts with no memory: tell it when the customer last wrote.
      simulator.state.lastInboundAt.set(pairKey(number.id, waId), lastMs);
      return;
    }
    simulator.injectInbound({
      phone_number_id: number.id,
      from: waId,
      profile_name: name,
      message: { type: 'text', text: { body: `Hi! I am ${name}. Send me anything and I will echo it back.` } },
    });
  };
  const keepWindowOpen = async () => {
    await keepWindowOpenFor(sandbox.customer_wa_id, await latestInboundTimestamp(db, number.id, sandbox.customer_wa_id), SANDBOX_CUSTOMER.name);
    await keepWindowOpenFor(usernameCustomer.waId, await latestInboundTimestampOfBsuid(db, number.id, usernameCustomer.bsuid), usernameCustomer.name);
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    simulator,
    simulatorUrl,
    keepCustomerWriting: async () => {
      await keepWindowOpen();
      timer = setInterval(() => void keepWindowOpen().catch((err) => deps.log.warn({ err }, 'sandbox customer could not write')), CHECK_EVERY_MS);
      timer.unref();
    },
    close: async () => {
      clearInterval(timer);
      await simulator.close();
    },
  };
}

/** The sandbox customer's answer: text is echoed, anything else acknowledged by its type. */
function echoOf(type: string, payload: Record<string, unknown>) {
  const body = type === 'text' ? `You said: ${(payload.text as { body?: string } | undefined)?.body ?? ''}` : `Got your ${type} message, thanks!`;
  return { type: 'text' as const, text: { body } };
}
