import { mkdirSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/dialects.ts';
import type { TestNumber, TestProject } from '../../helpers/factories.ts';
import { signInLinkFor } from '../../../src/tenants/users.ts';
import { addMember, type TestMember } from '../../helpers/inbox-session.ts';
import { type InboxWorld, useChromium, DESKTOP, startInboxWorld } from './inbox-world.ts';

/**
 * The team inbox in headless Chromium against a real gateway and the simulator as Meta (issue 21,
 * docs/inbox.md): one agent's day, in order, on one page, through the stable labels (Email,
 * Password, Sign in, Message, Send, Search). The screenshots (docs/images/) are taken on the
 * first dialect's run.
 */
const CUSTOMER = '15550101234';
const LATE_CUSTOMER = '15550105678';
// `INBOX_SCREENSHOTS=1 npx vitest run test/inbox/browser/` renews docs/images/; other runs write
// the same screenshots into .scratch/ (ignored by git), so `npm test` leaves the tree clean.
const SCREENSHOTS = process.env.INBOX_SCREENSHOTS === '1' ? 'docs/images' : '.scratch';
const WAIT = { timeout: 10_000 };
const RECEIPT_PNG = gradientPng(240, 150);

const browser = useChromium();

describe.each(dialects)('the team inbox in Chromium (%s)', (dialect) => {
  // One dialect's screens are enough.
  const screenshots = dialect === dialects[0];
  let world: InboxWorld;
  let tenant: TestProject & TestNumber;
  let agent: TestMember;
  let colleague: TestMember;
  let context: BrowserContext;
  let page: Page;
  let conversationUrl: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    world = await startInboxWorld(dialect);
    tenant = await world.newTenant();
    agent = await addMember(world.gw, tenant.projectId, { role: 'admin' });
    colleague = await addMember(world.gw, tenant.projectId, { role: 'agent' });
    // A template with variables, approved at once by the simulator, for the closed window.
    const created = await fetch(`${world.simulatorUrl}/v24.0/${tenant.wabaId}/message_templates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'order_ready', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is ready.', example: { body_text: [['Ada', 'A-1']] } }] }),
    });
    expect(created.status).toBe(200);
    // The customer wrote before the agent signs in: an old question first, found later by search.
    world.sim.injectInbound({ phone_number_id: tenant.phoneNumberId, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'Can I get a refund for order A-17?' } } });
    world.sim.injectInbound({ phone_number_id: tenant.phoneNumberId, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'Hi, is my *order* ready? _Thanks_' } } });
    // Another customer who last wrote two days ago: their 24-hour window is closed.
    world.simClock.shift(-48 * 3600_000);
    world.sim.injectInbound({ phone_number_id: tenant.phoneNumberId, from: LATE_CUSTOMER, profile_name: 'Lars Late', message: { type: 'text', text: { body: 'Hello from last week' } } });
    world.simClock.shift(0);
    await world.sim.flush();
    context = await browser().newContext(DESKTOP);
    page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    await world?.close();
  });
  // What the page showed when a step failed, for the one reading the failure (.scratch is ignored
  // by git), and what the page threw: a failed step's error alone rarely says.
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail' || !page) return;
    mkdirSync('.scratch', { recursive: true });
    await page.screenshot({ path: `.scratch/inbox-failed-${dialect}-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png` }).catch(() => undefined);
    if (pageErrors.length > 0) throw new Error(`the page threw: ${pageErrors.splice(0).join('\n')}`);
  });

  it('says when a sign-in link has expired, refuses a wrong password, and signs in', async () => {
    await page.goto(`${world.url}/?sign_in=expired`);
    await page.getByText('This sign-in link has expired or was used').waitFor(WAIT);
    if (screenshots) await page.screenshot({ path: `${SCREENSHOTS}/inbox-sign-in.png` });
    await page.getByLabel('Email').fill(agent.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Email or password is wrong' }).waitFor(WAIT);
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await searchBox(page).waitFor(WAIT);
  });

  it('lists the customer by name with their last message and unread count', async () => {
    const item = page.getByRole('link', { name: /Maya Chen/ });
    await item.waitFor(WAIT);
    await expect.poll(() => item.textContent()).toContain('is my *order* ready?');
    await expect.poll(() => item.getByLabel('2 unread').count()).toBe(1);
    await page.getByRole('link', { name: /Lars Late/ }).waitFor(WAIT);
  });

  it('opens the thread with WhatsApp formatting and marks it read', async () => {
    await page.getByRole('link', { name: /Maya Chen/ }).click();
    const thread = page.getByRole('log', { name: 'Messages' });
    await thread.locator('strong', { hasText: 'order' }).waitFor(WAIT);
    await thread.locator('em', { hasText: 'Thanks' }).waitFor(WAIT);
    conversationUrl = page.url();
    expect(conversationUrl).toMatch(/\/c\/[0-9a-f-]+$/);
    await expect.poll(() => page.getByRole('link', { name: /Maya Chen/ }).getByLabel(/unread/).count(), WAIT).toBe(0);
  });

  it('sends a message and shows its ticks advance to read', async () => {
    await messageBox(page).fill('Yes, it ships *today*');
    await page.getByRole('button', { name: 'Send' }).click();
    const bubble = page.locator('article.bubble.out', { hasText: 'Yes, it ships' });
    await bubble.waitFor(WAIT);
    const seen = new Set<string>();
    await expect
      .poll(async () => {
        const status = await bubble.getAttribute('data-status');
        if (status) seen.add(status);
        return status;
      }, WAIT)
      .toBe('read');
    expect(seen.has('delivered') || seen.has('sent')).toBe(true);
    await bubble.getByRole('img', { name: 'Read' }).waitFor(WAIT);
    expect(await messageBox(page).inputValue()).toBe('');
  });

  it('keeps a message typed offline with Retry, and sends it once when back online', async () => {
    await context.setOffline(true);
    await messageBox(page).fill('Typed while offline');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('article', { name: 'Not sent' }).filter({ hasText: 'Typed while offline' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Retry' }).waitFor(WAIT);
    await context.setOffline(false);
    // The browser's online event retries it with the key it was typed with.
    await page.locator('article.bubble.out[data-message-id]', { hasText: 'Typed while offline' }).waitFor(WAIT);
    expect(await page.locator('.bubble.pending').count()).toBe(0);
  });

  it('shows a customer message live, without a reload', async () => {
    world.sim.injectInbound({ phone_number_id: tenant.phoneNumberId, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'Great, see you ~soon~ later' } } });
    await page.locator('article.bubble.in s', { hasText: 'soon' }).waitFor(WAIT);
  });

  it('replies to a message, quoting it, and reacts to it', async () => {
    const question = page.locator('article.bubble.in', { hasText: 'Great, see you' });
    await question.hover();
    await question.getByRole('button', { name: 'Reply to this message' }).click();
    await page.getByText('Replying to: Great, see you').waitFor(WAIT);
    // Enter sends, as in WhatsApp (Shift+Enter would add a line).
    await messageBox(page).fill('See you then');
    await messageBox(page).press('Enter');
    const reply = page.locator('article.bubble.out[data-message-id]', { hasText: 'See you then' });
    await reply.getByRole('button', { name: 'Show the quoted message' }).filter({ hasText: 'Great, see you' }).waitFor(WAIT);
    await question.hover();
    await question.getByRole('button', { name: 'React 👍' }).click();
    await question.getByLabel('Reactions 👍').waitFor(WAIT);
  });

  it('attaches an image through the gateway and shows it in the thread', async () => {
    await page.getByLabel('Attach').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: RECEIPT_PNG });
    await messageBox(page).fill('Your receipt');
    await page.getByRole('button', { name: 'Send' }).click();
    const bubble = page.locator('article.bubble.out', { hasText: 'Your receipt' });
    await bubble.waitFor(WAIT);
    await expect.poll(() => bubble.getAttribute('data-status'), WAIT).not.toBe('failed');
    expect(await page.locator('.bubble.pending').count()).toBe(0);
    // Once the gateway has its copy, the picture is shown from its media URL.
    const picture = bubble.getByRole('img', { name: 'Your receipt' });
    await picture.waitFor(WAIT);
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), WAIT).toBe(true);
  });

  it('adds an internal note, shown apart from messages', async () => {
    await page.getByRole('button', { name: 'Note', exact: true }).click();
    await page.getByLabel('Note', { exact: true }).fill('Customer asked about a refund before');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.locator('aside.note', { hasText: 'Customer asked about a refund before' });
    await note.waitFor(WAIT);
    expect(await note.textContent()).toContain('Note');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
  });

  it('assigns the conversation to a member', async () => {
    await page.getByLabel('Assignee').selectOption({ label: colleague.email });
    await page.getByRole('link', { name: /Maya Chen/ }).getByText(colleague.email).waitFor(WAIT);
  });

  it('ends and reopens the conversation', async () => {
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await page.getByRole('button', { name: 'Reopen' }).waitFor(WAIT);
    await page.getByText('This conversation has ended').waitFor(WAIT);
    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('button', { name: 'End', exact: true }).waitFor(WAIT);
    await messageBox(page).waitFor(WAIT);
  });

  it('finds a message by search and opens the thread at it', async () => {
    await searchBox(page).fill('refund');
    await searchBox(page).press('Enter');
    const results = page.getByRole('list', { name: 'Results' });
    await results.locator('mark', { hasText: /refund/i }).first().waitFor(WAIT);
    if (screenshots) await page.screenshot({ path: `${SCREENSHOTS}/inbox-search-light.png` });
    await results.getByRole('link').filter({ hasText: 'A-17' }).click();
    await page.locator('article.bubble.highlighted', { hasText: 'Can I get a refund' }).waitFor(WAIT);
    expect(page.url()).toContain('around=');
  });

  it('offers an approved template when the 24-hour window is closed, and sends it', async () => {
    await page.getByRole('link', { name: 'Conversations', exact: true }).click();
    await page.getByRole('link', { name: /Lars Late/ }).click();
    await page.getByText('The 24-hour window is closed').waitFor(WAIT);
    expect(await messageBox(page).count()).toBe(0);
    await page.getByLabel('Template').selectOption({ label: 'order_ready (en_US)' });
    await page.getByLabel('Variable 1').fill('Lars');
    await page.getByLabel('Variable 2').fill('B-42');
    await page.getByText('Hi Lars, your order B-42 is ready.').waitFor(WAIT);
    if (screenshots) await page.screenshot({ path: `${SCREENSHOTS}/inbox-template-light.png` });
    await page.getByRole('button', { name: 'Send template' }).click();
    const bubble = page.locator('article.bubble.out', { hasText: 'order_ready' });
    await bubble.waitFor(WAIT);
    await expect.poll(() => bubble.getAttribute('data-status'), WAIT).toMatch(/sent|delivered|read/);
  });

  it('moves through the list with the arrow keys and opens a conversation with Enter', async () => {
    const links = page.getByRole('complementary', { name: 'Conversations' }).getByRole('link');
    const [first, second] = [await links.nth(0).getAttribute('href'), await links.nth(1).getAttribute('href')];
    await links.nth(0).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe(second);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe(first);
  });

  it('looks right in dark mode and at phone width', async () => {
    await page.goto(conversationUrl);
    await page.getByRole('img', { name: 'Your receipt' }).waitFor(WAIT);
    const shoot = async (name: string) => void (screenshots && (await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` })));
    await shoot('inbox-thread-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe('rgb(240, 242, 245)');
    await shoot('inbox-thread-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    // At phone width the list and the thread are separate screens.
    expect(await page.getByRole('complementary', { name: 'Conversations' }).isVisible()).toBe(false);
    await shoot('inbox-phone-thread-dark');
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    await page.getByRole('link', { name: /Maya Chen/ }).waitFor(WAIT);
    await shoot('inbox-phone-list-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await shoot('inbox-phone-list-light');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out back to the sign-in form', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
    await page.goto(world.url);
    await page.getByLabel('Email').waitFor(WAIT);
  });

  it('threw no error in the page along the way', () => {
    expect(pageErrors).toEqual([]);
  });

  it("signs an agent of another project in by a one-time link's Sign in button, and shows them none of this project's conversations", async () => {
    const other = await world.newTenant();
    const stranger = await addMember(world.gw, other.projectId, { role: 'agent' });
    const strangerContext = await browser().newContext(DESKTOP);
    try {
      const strangerPage = await strangerContext.newPage();
      strangerPage.setDefaultTimeout(WAIT.timeout);
      // The link page's one inline style is allowed by its hash: Chromium reports a refused one.
      const refused: string[] = [];
      strangerPage.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) refused.push(message.text());
      });
      const link = await signInLinkFor(world.gw.deps, stranger.id);
      // Opening the link spends nothing: it names whom it signs in, and the button signs in. The
      // browser's form POST carries its Origin, which the gateway checks.
      await strangerPage.goto(link);
      await strangerPage.getByText(stranger.email).waitFor(WAIT);
      await strangerPage.reload();
      if (screenshots) await strangerPage.screenshot({ path: `${SCREENSHOTS}/inbox-sign-in-link.png` });
      // Each name is shown on one line, not broken at its hyphens across two.
      const linesPerName = await strangerPage.$$eval('strong', (names) => names.map((n) => Math.round(n.getBoundingClientRect().height / parseFloat(getComputedStyle(n).lineHeight))));
      expect(linesPerName).toEqual([1, 1]);
      await strangerPage.getByRole('button', { name: 'Sign in' }).click();
      await strangerPage.getByText('No conversations here yet').waitFor(WAIT);
      expect(await strangerPage.getByText('Maya Chen').count()).toBe(0);
      await searchBox(strangerPage).fill('refund');
      await searchBox(strangerPage).press('Enter');
      await strangerPage.getByText('No messages match').waitFor(WAIT);
      await strangerPage.goto(conversationUrl);
      await strangerPage.getByText('This conversation does not exist or is not in your project').waitFor(WAIT);
      // The link was spent by the button: opening it again says so.
      await strangerPage.goto(link);
      await strangerPage.getByText('This sign-in link has expired').waitFor(WAIT);
      expect(refused).toEqual([]);
    } finally {
      await strangerContext.close();
    }
  });
});

/** The composer's textbox, by its stable label (docs/inbox.md). */
function messageBox(page: Page) {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

/** The search field, by its stable label. */
function searchBox(page: Page) {
  return page.getByRole('searchbox', { name: 'Search', exact: true });
}

/** A small RGB PNG with a green-blue gradient: a picture a reader of the screenshots can see. */
function gradientPng(width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([20 + (x * 60) / width, 120 + (y * 100) / height, 90 + (x * 140) / width], y * (width * 3 + 1) + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
