import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/dialects.ts';
import type { TestNumber, TestProject } from '../../helpers/factories.ts';
import { addMember } from '../../helpers/inbox-session.ts';
import { type InboxWorld, useChromium, DESKTOP, signInByLink, startInboxWorld } from './inbox-world.ts';

/**
 * Desktop notifications in Chromium (docs/inbox.md, Live): asked for from the top bar, shown for a
 * customer message while the tab is hidden, never for a visible tab or the team's own messages,
 * and a click opens the conversation. The page's own Notification and visibility are the
 * browser's; two init scripts record each notification made (keeping it, to click) and let the
 * test say whether the tab is hidden, which headless Chromium never reports by itself.
 */
const CUSTOMER = '15550103333';
const WAIT = { timeout: 10_000 };

interface Shown {
  title: string;
  body: string | undefined;
  tag: string | undefined;
}

/** Runs in the page before the app: records every `new Notification(...)` and fakes the tab's visibility. */
function instrumentPage(): void {
  const shown: Array<{ title: string; body: string | undefined; tag: string | undefined; notification: Notification }> = [];
  const Native = window.Notification;
  window.Notification = class extends Native {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      shown.push({ title, body: options?.body, tag: options?.tag, notification: this });
    }
  };
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  Object.assign(window, {
    shownNotifications: () => shown.map(({ title, body, tag }) => ({ title, body, tag })),
    clickNotification: (index: number) => shown[index]?.notification.dispatchEvent(new Event('click')),
    setTabHidden: (value: boolean) => {
      hidden = value;
      document.dispatchEvent(new Event('visibilitychange'));
    },
  });
}

interface Instrumented {
  shownNotifications(): Shown[];
  clickNotification(index: number): void;
  setTabHidden(value: boolean): void;
}

const browser = useChromium();

describe.each(dialects)('desktop notifications in Chromium (%s)', (dialect) => {
  let world: InboxWorld;
  let tenant: TestProject & TestNumber;
  let context: BrowserContext;
  let page: Page;
  const shown = () => page.evaluate(() => (window as unknown as Instrumented).shownNotifications());
  const setTabHidden = (value: boolean) => page.evaluate((v) => (window as unknown as Instrumented).setTabHidden(v), value);
  const customerWrites = (body: string) => world.sim.injectInbound({ phone_number_id: tenant.phoneNumberId, from: CUSTOMER, profile_name: 'Nora Notify', message: { type: 'text', text: { body } } });
  const listItem = () => page.getByRole('link', { name: /Nora Notify/ });

  beforeAll(async () => {
    world = await startInboxWorld(dialect);
    tenant = await world.newTenant();
    const agent = await addMember(world.gw, tenant.projectId);
    customerWrites('Hello, anyone there?');
    await world.sim.flush();
    context = await browser().newContext(DESKTOP);
    await context.addInitScript(instrumentPage);
    page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    await signInByLink(page, world, agent.id);
    await listItem().waitFor(WAIT);
  });
  afterAll(async () => {
    await context?.close();
    await world?.close();
  });

  it('offers Enable notifications until the browser allows them', async () => {
    const enable = page.getByRole('button', { name: 'Enable notifications' });
    await enable.waitFor(WAIT);
    // The member says yes in the browser's prompt.
    await context.grantPermissions(['notifications'], { origin: world.url });
    await enable.click();
    await expect.poll(() => enable.count(), WAIT).toBe(0);
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
  });

  it('shows no notification for a customer message while the tab is visible', async () => {
    customerWrites('Still there?');
    await expect.poll(() => listItem().textContent(), WAIT).toContain('Still there?');
    expect(await shown()).toEqual([]);
  });

  it("shows no notification for the team's own message while the tab is hidden", async () => {
    await setTabHidden(true);
    const sent = await fetch(`${world.url}/v24.0/${tenant.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': tenant.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'Yes, we are here' } }),
    });
    expect(sent.status).toBe(200);
    await expect.poll(() => listItem().textContent(), WAIT).toContain('Yes, we are here');
    expect(await shown()).toEqual([]);
  });

  it("shows a customer message in a hidden tab as a notification with the contact's name, and opens its thread on click", async () => {
    customerWrites('Where is my parcel?');
    await expect.poll(shown, WAIT).toHaveLength(1);
    const [notification] = await shown();
    expect(notification).toMatchObject({ title: 'Nora Notify', body: 'Where is my parcel?' });
    await page.evaluate(() => (window as unknown as Instrumented).clickNotification(0));
    await page.getByRole('region', { name: 'Conversation with Nora Notify' }).getByText('Where is my parcel?').waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(`/c/${notification?.tag}`);
    await setTabHidden(false);
  });
});
