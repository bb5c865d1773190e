// Three tabs of the SPA in one browser profile: one visitor, one session, every event stored and sent once.
import type { Browser, Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { DemoCollector } from './support/demoCollector';
import { setUpCollectorAndBrowser } from './support/suiteSetup';
import { eventually } from './support/eventually';
import { recordedSends, recordSends, sdkStatus } from './support/sdkInPage';

let collector: DemoCollector;
let browser: Browser;

setUpCollectorAndBrowser((c, b) => {
  collector = c;
  browser = b;
});

async function openTab(open: () => Promise<Page>, path: string, heading: string): Promise<Page> {
  const page = await open();
  await page.goto(collector.spaUrl(path));
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await recordSends(page);
  return page;
}

describe('SPA in three tabs', () => {
  it('shares one session and stores each event once, sent by exactly one tab', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const newTab = () => context.newPage();
    const tabs = [
      await openTab(newTab, '/', 'Your team’s memory, in one place.'),
      await openTab(newTab, '/pricing', 'Simple pricing'),
      await openTab(newTab, '/docs', 'Docs'),
    ];
    const [home, pricing, docs] = tabs as [Page, Page, Page];
    await home.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pricing' }).click();
    await pricing.getByRole('button', { name: 'Choose Team' }).click();
    await docs.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();

    const statuses = await Promise.all(tabs.map(sdkStatus));
    const { anonymousId, sessionId } = statuses[0]!;
    expect(statuses.map((s) => s.anonymousId)).toEqual([anonymousId, anonymousId, anonymousId]);
    expect(statuses.map((s) => s.sessionId)).toEqual([sessionId, sessionId, sessionId]);

    // Three landings and two route changes, one click, one session start.
    const expectedCount = 5 + 1 + 1;
    const stored = await eventually('every event to be stored', async () => {
      const events = (await collector.read.events()).filter((e) => e.anonymousId === anonymousId);
      return events.length >= expectedCount ? events : undefined;
    });
    // Wait for every acknowledgment to reach a tab, so a late second send would have shown up.
    const sends = await eventually('every stored event to be acknowledged to a tab', async () => {
      const all = (await Promise.all(tabs.map(recordedSends))).flat();
      const acked = new Set(all.flatMap((s) => s.messageIds));
      return stored.every((e) => acked.has(e.messageId)) ? all : undefined;
    });

    expect(stored).toHaveLength(expectedCount);
    expect(stored.filter((e) => e.type === 'page').map((e) => e.context.page?.path).sort()).toEqual(
      ['/examples/spa/', '/examples/spa/', '/examples/spa/docs', '/examples/spa/pricing', '/examples/spa/pricing'],
    );
    expect(stored.filter((e) => e.event === 'Session Started')).toHaveLength(1);
    expect(stored.filter((e) => e.event === 'Plan Selected')).toHaveLength(1);
    expect(new Set(stored.map((e) => e.sessionId))).toEqual(new Set([sessionId]));
    const sessions = (await collector.read.sessions()).filter((s) => s.anonymousId === anonymousId);
    expect(sessions.map((s) => s.id)).toEqual([sessionId]);

    // No event went out twice: not from two tabs, not twice from one.
    const sentIds = sends.flatMap((s) => s.messageIds);
    expect(sentIds.length).toBe(new Set(sentIds).size);
    expect(sends.reduce((sum, s) => sum + s.duplicates, 0)).toBe(0);
    await context.close();
  });
});
