// The dashboard at /dashboard in real Chromium: seeded visits, sign-in, panels, filters, ranges, zones, timelines,
// people, sign-out, a phone-sized window and the keyboard.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createAppsRepository, createSignInTickets, type Collector } from '@headcount/collector';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../packages/collector/test/support/databases';
import { e2eBackend } from './support/backend';
import { launchChromium } from './support/chromium';
import { saveScreenshot } from './support/screenshots';

const ADMIN_TOKEN = 'dashboard-e2e-admin-token-0123456789abcdef';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
// The seeded day, far enough back to be outside "last 7 days" whatever day the suite runs.
const DAY = '2026-02-02';

let url: string;
let secretKey: string;
let browser: Browser;
let close: () => Promise<void>;
const tickets = createSignInTickets();

/** One SDK visit: pages a minute apart from `start`, events between them, optionally ended. */
function visit(id: string, start: string, o: { ua: string; referrer?: string; campaign?: Record<string, string>; pages: string[]; events?: string[]; reason?: string; userId?: string }) {
  const at = (minutes: number) => new Date(Date.parse(start) + minutes * 60_000).toISOString();
  const context = (path: string) => ({
    sessionId: id, userAgent: o.ua, page: { path, url: `https://shop.example${path}`, referrer: o.referrer ?? '' }, ...(o.campaign ? { campaign: o.campaign } : {}),
  });
  const base = { anonymousId: `anon-${id}` };
  const batch: unknown[] = o.pages.map((path, i) => ({ ...base, type: 'page', messageId: `${id}-p${i}`, timestamp: at(i), context: context(path) }));
  (o.events ?? []).forEach((event, i) => batch.push({ ...base, type: 'track', event, properties: { plan: 'pro' }, messageId: `${id}-t${i}`, timestamp: at(i + 0.5), context: context(o.pages[0]!) }));
  if (o.userId) batch.push({ ...base, type: 'identify', userId: o.userId, messageId: `${id}-id`, timestamp: at(0.2), context: context(o.pages[0]!) });
  if (o.reason) batch.push({ ...base, type: 'track', event: 'Session Ended', properties: { reason: o.reason }, messageId: `${id}-end`, timestamp: at(o.pages.length), context: context(o.pages.at(-1)!) });
  return batch;
}

beforeAll(async () => {
  const database = await openTestDatabase(e2eBackend());
  const apps = createAppsRepository(database.db);
  const created = await apps.create({ name: 'shop' });
  await apps.create({ name: 'museum-kiosk' });
  secretKey = created.secretKey;
  const collector: Collector = createApp({ db: database.db, adminToken: ADMIN_TOKEN, dashboardSignIn: tickets });
  const server = await new Promise<Server>((resolve) => {
    const s = createServer(collector.app);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  close = async () => {
    await browser.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await collector.close();
    await database.dispose();
  };
  const now = Date.now();
  const batch = [
    ...visit('g1', `${DAY}T09:00:00Z`, { ua: DESKTOP, referrer: 'https://www.google.com/', pages: ['/', '/pricing'], events: ['Signup'], reason: 'idle', userId: 'ada' }),
    ...visit('g2', `${DAY}T09:30:00Z`, { ua: PHONE, referrer: 'https://www.google.com/', pages: ['/pricing'], reason: 'manual' }),
    ...visit('n1', `${DAY}T14:10:00Z`, { ua: DESKTOP, campaign: { source: 'newsletter', medium: 'email', name: 'winter' }, pages: ['/blog', '/', '/pricing'], events: ['Signup', 'Download'] }),
    ...visit('d1', `${DAY}T22:00:00Z`, { ua: PHONE, pages: ['/'] }),
    // Someone on the site now, for the live panel and "last 24 hours".
    ...visit('live', new Date(now - 1000).toISOString(), { ua: DESKTOP, pages: ['/live-now'] }),
    // No event name: rejected, kept in the dead-letter store.
    { type: 'track', messageId: 'broken-1', anonymousId: 'anon-x', timestamp: new Date(now).toISOString() },
  ];
  const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ batch, writeKey: created.app.writeKey }) });
  expect(((await res.json()) as { accepted: number }).accepted).toBe(batch.length - 1);
}, 180_000);

afterAll(() => close());

interface Watched { page: Page; context: BrowserContext; errors: string[] }

/** A page that records console errors and uncaught exceptions. */
async function openDashboard(viewport = { width: 1280, height: 900 }, search = ''): Promise<Watched> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // Which request failed, when one did (the console message does not say).
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(`${url}/dashboard${search}`);
  return { page, context, errors };
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('Secret key or admin token').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const figure = (page: Page, label: string) => page.locator(`[data-figure="${label}"] .figure-value`);
const rowsOf = (page: Page, panel: string) => page.locator(`[data-panel="${panel}"] tbody tr[data-key]`);
const rowKeys = (page: Page, panel: string) => rowsOf(page, panel).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')));

async function expectText(page: Page, locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
  expect(await locator.first().textContent()).toBe(text);
}

describe('dashboard', () => {
  it('shows the seeded numbers, filters by a click, switches range and zone, opens a timeline, looks up a user and signs out', async () => {
    const { page, context, errors } = await openDashboard(undefined, `?range=custom&from=${DAY}&to=${DAY}&tz=UTC`);
    await signIn(page, secretKey);
    expect(page.url()).not.toContain(secretKey);

    await expectText(page, figure(page, 'Visitors'), '4');
    await expectText(page, figure(page, 'Sessions'), '4');
    await expectText(page, figure(page, 'Pageviews'), '7');
    await expectText(page, figure(page, 'Bounce rate'), '50%');
    await page.locator('[data-panel="Pages"] tr[data-key="/blog"]').waitFor();
    expect(await rowKeys(page, 'Pages')).toEqual(['/', '/pricing', '/blog']);
    expect(await rowKeys(page, 'Sources')).toEqual(['search', 'direct', 'email']);
    expect(await rowKeys(page, 'Events')).toEqual(['Signup', 'Download']);
    await page.locator('.chart .u-over').waitFor();
    await page.locator('[data-live-count]').filter({ hasText: '1' }).waitFor();
    await saveScreenshot(page, 'dashboard');

    // Channel, then its source: each click filters every panel and is a chip kept in the address.
    await page.locator('[data-panel="Sources"]').getByRole('button', { name: 'search' }).click();
    await page.locator('[data-panel="Sources"] tr[data-key="google"]').waitFor();
    await page.locator('[data-panel="Sources"]').getByRole('button', { name: 'google' }).click();
    await expectText(page, figure(page, 'Sessions'), '2');
    await expectText(page, figure(page, 'Pageviews'), '3');
    await page.locator('[data-panel="Pages"] tbody tr[data-key]').nth(1).waitFor();
    await expect.poll(() => rowKeys(page, 'Pages')).toEqual(['/pricing', '/']);
    await expect.poll(() => rowKeys(page, 'Events')).toEqual(['Signup']);
    expect(new URL(page.url()).searchParams.get('source')).toBe('google');
    expect(new URL(page.url()).searchParams.get('channel')).toBe('search');
    await page.getByRole('button', { name: 'Remove filter source: google' }).click();
    await page.getByRole('button', { name: 'Remove filter channel: search' }).click();
    await expectText(page, figure(page, 'Sessions'), '4');

    // The same calendar day in Tokyo (UTC+9) ends at 15:00 UTC: the 22:00 visit is on the next day there.
    await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await expectText(page, figure(page, 'Sessions'), '3');
    await page.getByLabel('Range', { exact: true }).selectOption('24h');
    await expectText(page, figure(page, 'Sessions'), '1');
    await expect.poll(() => rowKeys(page, 'Pages')).toEqual(['/live-now']);

    // Kiosks: end reasons of the seeded day.
    await page.goto(`${url}/dashboard?range=custom&from=${DAY}&to=${DAY}&tz=UTC&view=kiosks`);
    await signIn(page, secretKey);
    await page.locator('[data-panel="End reasons"] tr[data-key="idle"]').waitFor();
    expect(await rowKeys(page, 'End reasons')).toEqual(['(none)', 'idle', 'manual']);
    expect(await rowsOf(page, 'Sessions per hour of day').count()).toBe(24);

    // A session's timeline: every event in order.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Sessions' }).click();
    await page.locator('tr[data-session="g1"] button').click();
    const timeline = page.locator('.timeline li');
    await timeline.nth(4).waitFor();
    expect(await timeline.evaluateAll((items) => items.map((item) => item.querySelector('strong')?.textContent))).toEqual(['/', 'identify', 'Signup', '/pricing', 'Session Ended']);
    expect(new URL(page.url()).searchParams.get('session')).toBe('g1');

    // People: the user's first touch.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'People' }).click();
    await page.getByLabel('Id', { exact: true }).fill('ada');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('[data-touch="first"]').filter({ hasText: 'search · google' }).waitFor();
    expect(await page.locator('.person tr[data-session]').count()).toBe(1);

    // Rejected: the event without a name.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Rejected' }).click();
    await page.locator('.event-list li[data-code]').first().waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Signed out: the key is forgotten.').waitFor();
    const kept = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length }));
    expect(kept).toEqual({ cookie: '', local: 0, session: 0 });
    expect(await page.content()).not.toContain(secretKey);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says clearly when a key is wrong', async () => {
    const { page, context } = await openDashboard();
    await page.getByLabel('Secret key or admin token').fill('sk_thisIsNotAKeyThatWasEverIssuedHere0123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That key was not accepted' }).waitFor();
    await context.close();
  });

  it('switches apps with the admin token', async () => {
    const { page, context, errors } = await openDashboard(undefined, `?range=custom&from=${DAY}&to=${DAY}&tz=UTC`);
    await signIn(page, ADMIN_TOKEN);
    await expectText(page, figure(page, 'Sessions'), '4');
    await page.getByLabel('App').selectOption({ label: 'museum-kiosk' });
    await expectText(page, figure(page, 'Sessions'), '0');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('signs in once from a one-time link, which never holds the key', async () => {
    const ticket = tickets.issue(secretKey);
    const { page, context, errors } = await openDashboard(undefined, `?range=custom&from=${DAY}&to=${DAY}#ticket=${ticket}`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(page.url()).not.toContain(ticket);
    expect(tickets.redeem(ticket)).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is usable at 390 px and with the keyboard alone', async () => {
    const { page, context, errors } = await openDashboard({ width: 390, height: 844 }, `?range=custom&from=${DAY}&to=${DAY}&tz=UTC`);
    // The key field has focus on arrival; Enter submits.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('key');
    await page.keyboard.type(secretKey);
    await page.keyboard.press('Enter');
    await expectText(page, figure(page, 'Sessions'), '4');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'dashboard-phone');

    // Tab to the "search" row and filter with Enter, then to its chip and remove it with Enter.
    await tabTo(page, (el) => el.textContent === 'search' && el.classList.contains('row-filter'));
    await page.keyboard.press('Enter');
    await expectText(page, figure(page, 'Sessions'), '2');
    await page.keyboard.press('Shift+Tab');
    await tabTo(page, (el) => el.getAttribute('aria-label') === 'Remove filter channel: search', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expectText(page, figure(page, 'Sessions'), '4');
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** Presses Tab (or Shift+Tab) until the focused element matches; at most 80 presses. */
async function tabTo(page: Page, matches: (el: Element) => boolean, key = 'Tab'): Promise<void> {
  const source = `(${matches.toString()})`;
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((test) => !!document.activeElement && (0, eval)(test)(document.activeElement), source)) return;
  }
  throw new Error('the element was never reached with the keyboard');
}
