// The npm build (@headcount/browser + @headcount/react bundled into the SPA) in real Chromium.
import type { StoredEvent } from '@headcount/schema';
import type { Browser, BrowserContext, Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { DemoCollector } from './support/demoCollector';
import { expectStampedDuring, recoveryTime, setUpCollectorAndBrowser } from './support/suiteSetup';
import { eventually } from './support/eventually';
import { saveScreenshot } from './support/screenshots';
import { sdkSession, sdkStatus } from './support/sdkInPage';

let collector: DemoCollector;
let browser: Browser;

setUpCollectorAndBrowser((c, b) => {
  collector = c;
  browser = b;
});

function desktopContext(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 720 } });
}

/** Clicks a header link and waits for the client-side route to render. */
async function goTo(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

const visitorEvents = async (anonymousId: string | null) =>
  (await collector.read.events()).filter((e) => e.anonymousId === anonymousId);
const byTime = (a: StoredEvent, b: StoredEvent) => Date.parse(a.timestamp) - Date.parse(b.timestamp);

/** One visit from a newsletter link opened from Google: five route changes and a login. */
interface Journey {
  anonymousId: string;
  sessionId: string;
  landing: string;
  pages: StoredEvent[];
}

let journey: Promise<Journey> | undefined;

async function runJourney(): Promise<Journey> {
  const context = await desktopContext();
  const page = await context.newPage();
  const landing = collector.spaUrl('/?utm_source=newsletter&utm_medium=email&utm_campaign=spring');
  await page.goto(landing, { referer: 'https://www.google.com/' });
  const { anonymousId, sessionId } = await sdkSession(page);

  await goTo(page, 'Pricing', 'Simple pricing');
  await goTo(page, 'Docs', 'Docs');
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Simple pricing' }).waitFor();
  await page.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('Ada Lovelace').waitFor();
  await page.getByText('1 online').waitFor();
  expect(await saveScreenshot(page, 'spa')).toBeLessThan(150_000);

  const pages = await eventually('every page view to be stored', async () => {
    const stored = (await visitorEvents(anonymousId)).filter((e) => e.type === 'page').sort(byTime);
    return stored.length >= 6 ? stored : undefined;
  });
  await context.close();
  return { anonymousId: anonymousId!, sessionId: sessionId!, landing, pages };
}

/** The journey runs once; each test below checks one aspect of what it stored. */
const landingJourney = () => (journey ??= runJourney());

describe('SPA example (npm packages)', () => {
  it('records the landing and every route change (pushState, back) as one page event with its path, URL and title', async () => {
    const { pages, landing, sessionId } = await landingJourney();
    const base = collector.spaUrl('');
    expect(pages.map((e) => e.context.page?.path)).toEqual([
      '/examples/spa/', '/examples/spa/pricing', '/examples/spa/docs', '/examples/spa/pricing', '/examples/spa/login', '/examples/spa/',
    ]);
    expect(pages.map((e) => e.context.page?.url)).toEqual([
      landing, `${base}/pricing`, `${base}/docs`, `${base}/pricing`, `${base}/login`, `${base}/`,
    ]);
    expect(pages.map((e) => e.context.page?.title)).toEqual([
      'Home · Northwind Notes', 'Pricing · Northwind Notes', 'Docs · Northwind Notes',
      'Pricing · Northwind Notes', 'Log in · Northwind Notes', 'Home · Northwind Notes',
    ]);
    expect(new Set(pages.map((e) => e.sessionId))).toEqual(new Set([sessionId]));
    expect(pages[0]!.context.page?.referrer).toBe('https://www.google.com/');
  });

  it('gives each route change the previous in-app URL as its referrer, as a multi-page site would have', async () => {
    const { pages, landing } = await landingJourney();
    const base = collector.spaUrl('');
    expect(pages.map((e) => e.context.page?.referrer)).toEqual([
      'https://www.google.com/', landing, `${base}/pricing`, `${base}/docs`, `${base}/pricing`, `${base}/login`,
    ]);
  });

  it('attributes the session to the newsletter email (utm_medium=email wins over the Google referrer)', async () => {
    const { sessionId } = await landingJourney();
    const session = (await collector.read.sessions()).find((s) => s.id === sessionId);
    expect(session?.referrer).toMatchObject({ type: 'email', source: 'newsletter' });
    expect(session?.campaign).toMatchObject({ source: 'newsletter', medium: 'email', name: 'spring' });
  });

  it('links the anonymous visitor to the user who logs in', async () => {
    const { anonymousId, sessionId } = await landingJourney();
    const user = await eventually('the user to be known', async () => {
      const view = await collector.read.user('ada@example.com');
      return view.anonymousIds.includes(anonymousId) ? view : undefined;
    });
    expect(user.sessions.map((s) => s.id)).toContain(sessionId);
    expect(user.firstTouch).toMatchObject({ type: 'email', source: 'newsletter' });
    const identify = (await visitorEvents(anonymousId)).find((e) => e.type === 'identify');
    expect(identify).toMatchObject({ userId: 'ada@example.com', traits: { name: 'Ada Lovelace', email: 'ada@example.com' } });
  });

  it('stores every click exactly once, at click time, across an outage and a reload while unreachable', async () => {
    const context = await desktopContext();
    const page = await context.newPage();
    await page.goto(collector.spaUrl('/pricing'));
    const visitor = await sdkSession(page);

    const clicks: Array<{ plan: string; from: number; to: number }> = [];
    const choose = async (plan: string) => {
      const from = Date.now();
      await page.getByRole('button', { name: `Choose ${plan}` }).click();
      await page.getByText(`You picked ${plan}`).waitFor();
      clicks.push({ plan: plan.toLowerCase(), from, to: Date.now() });
    };

    await choose('Starter');
    await eventually('the online click to be stored', async () => {
      const stored = (await visitorEvents(visitor.anonymousId)).filter((e) => e.event === 'Plan Selected');
      return stored.length === 1 ? true : undefined;
    });

    const outage = collector.startOutage();
    await choose('Team');
    await choose('Enterprise');
    await goTo(page, 'Docs', 'Docs');
    await eventually('a refused send before the reload', () => (outage.refused.length > 0 ? true : undefined));

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Docs' }).waitFor();
    expect((await sdkStatus(page)).sessionId).toBe(visitor.sessionId);
    await goTo(page, 'Pricing', 'Simple pricing');
    await choose('Team');
    const lastClickDone = Date.now();
    await eventually('a refused send from the reloaded page', () =>
      outage.refused.some((r) => r.at > lastClickDone && r.path.startsWith('/v1/batch')) ? true : undefined,
    );
    expect((await visitorEvents(visitor.anonymousId)).filter((e) => e.event === 'Plan Selected')).toHaveLength(1);

    const recoveredAt = await recoveryTime(lastClickDone);
    outage.end();
    const mine = await eventually(
      'every queued event to be delivered',
      async () => {
        const status = await sdkStatus(page);
        const events = await visitorEvents(visitor.anonymousId);
        return status.queued === 0 && events.filter((e) => e.event === 'Plan Selected').length >= clicks.length ? events : undefined;
      },
      { timeoutMs: 30_000 },
    );

    const ids = mine.map((e) => e.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const selected = mine.filter((e) => e.event === 'Plan Selected').sort(byTime);
    expect(selected.map((e) => e.properties.plan)).toEqual(clicks.map((c) => c.plan));
    // Landing, Docs, the reload of Docs, Pricing again.
    expect(mine.filter((e) => e.type === 'page').map((e) => e.context.page?.path)).toEqual(
      ['/examples/spa/pricing', '/examples/spa/docs', '/examples/spa/docs', '/examples/spa/pricing'],
    );
    expect(mine.filter((e) => e.event === 'Session Started')).toHaveLength(1);
    expect(mine).toHaveLength(1 + 4 + clicks.length);
    expect(new Set(mine.map((e) => e.sessionId))).toEqual(new Set([visitor.sessionId]));

    expectStampedDuring(selected, clicks, recoveredAt);
    await context.close();
  });
});
