// Web sessions across tabs and page loads in real Chromium: tabs that start at once, one tab in use
// while others idle, a full localStorage, and a landing from a new source.
import type { StoredEvent } from '@headcount/schema';
import type { Browser, BrowserContext, Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { DemoCollector } from './support/demoCollector';
import { eventually } from './support/eventually';
import { openTab, serveLab } from './support/labPage';
import { sdkStatus, waitForSdk } from './support/sdkInPage';
import { setUpCollectorAndBrowser } from './support/suiteSetup';

let collector: DemoCollector;
let browser: Browser;

setUpCollectorAndBrowser((c, b) => {
  collector = c;
  browser = b;
});

const named = (events: StoredEvent[], name: string) => events.filter((e) => e.event === name);

/** Every stored event of a visitor once `done` holds for them. */
function storedFor(anonymousId: string, what: string, done: (events: StoredEvent[]) => boolean): Promise<StoredEvent[]> {
  return eventually(what, async () => {
    const events = (await collector.read.events()).filter((e) => e.anonymousId === anonymousId);
    return done(events) ? events : undefined;
  });
}

describe('web sessions across tabs (script tag)', () => {
  it('three tabs that open at once share one visitor and one session, ten rounds out of ten', async () => {
    for (let round = 0; round < 10; round++) {
      const context = await browser.newContext();
      const url = await serveLab(context, collector, 'together', { attrs: { 'flush-interval': '0.2' } });
      const tabs = await Promise.all([0, 1, 2].map(() => context.newPage()));
      // A browser restoring its tabs: three loads at the same moment, each recording its page view.
      await Promise.all(tabs.map((tab) => tab.goto(url)));
      await Promise.all(tabs.map(waitForSdk));
      const statuses = await eventually('every tab to have a session', async () => {
        const all = await Promise.all(tabs.map(sdkStatus));
        return all.every((s) => s.sessionId) ? all : undefined;
      });
      const { anonymousId, sessionId } = statuses[0]!;
      expect(statuses.map((s) => [s.anonymousId, s.sessionId])).toEqual(statuses.map(() => [anonymousId, sessionId]));
      const stored = await storedFor(anonymousId!, 'the three page views', (events) => events.filter((e) => e.type === 'page').length === 3);
      expect(named(stored, 'Session Started')).toHaveLength(1);
      expect(named(stored, 'Session Ended')).toHaveLength(0);
      expect(new Set(stored.map((e) => e.sessionId))).toEqual(new Set([sessionId]));
      await context.close();
    }
  });

  it('one tab in use keeps the session alive while two others sit idle (idleTimeout 4 s)', async () => {
    const context = await browser.newContext();
    const url = await serveLab(context, collector, 'busy', { attrs: { 'idle-timeout': '4', 'flush-interval': '0.5' } });
    const [busy, idle1, idle2] = [await openTab(context, url), await openTab(context, url), await openTab(context, url)] as [Page, Page, Page];
    const first = await eventually('a session', async () => ((await sdkStatus(busy)).sessionId ? sdkStatus(busy) : undefined));

    // Input in the busy tab, timed inside the page: pairs 0.9 s apart, then 3.5 s of calm (under the 4 s timeout).
    const inputs = await busy.evaluate(async () => {
      const at: number[] = [];
      const tap = () => {
        at.push(performance.now());
        window.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      };
      for (const wait of [0, 900, 3500, 900, 3500, 900, 3500]) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        tap();
      }
      return at;
    });
    expect(inputs).toHaveLength(7);
    for (const tab of [busy, idle1, idle2]) expect((await sdkStatus(tab)).sessionId).toBe(first.sessionId);

    // Nobody uses any tab now: the session ends once, stamped at the last input.
    const stored = await storedFor(first.anonymousId!, 'the session to end', (events) => named(events, 'Session Ended').length > 0);
    expect(named(stored, 'Session Started')).toHaveLength(1);
    expect(named(stored, 'Session Ended')).toHaveLength(1);
    expect(new Set(stored.map((e) => e.sessionId))).toEqual(new Set([first.sessionId]));
    expect(named(stored, 'Session Ended')[0]!.properties).toMatchObject({ reason: 'idle' });
    await context.close();
  });

  it('a full localStorage (every write throws) still counts one visitor and one session', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    const url = await serveLab(context, collector, 'quota', { attrs: { 'flush-interval': '0.2' } });
    const page = await openTab(context, url);
    await page.evaluate(() => {
      for (let i = 0; i < 10; i++) window.headcount!.track('Quota Tap', { i });
    });
    const { anonymousId } = await sdkStatus(page);
    const taps = await eventually('the ten taps', async () => {
      const events = named(await collector.read.events({ event: 'Quota Tap' }), 'Quota Tap');
      return events.length >= 10 ? events : undefined;
    });
    expect(taps).toHaveLength(10);
    expect(new Set(taps.map((e) => e.anonymousId))).toEqual(new Set([anonymousId]));
    expect(new Set(taps.map((e) => e.sessionId)).size).toBe(1);
    const stored = await storedFor(anonymousId!, 'the visitor', (events) => events.length >= 12);
    expect(named(stored, 'Session Started')).toHaveLength(1);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await context.close();
  });

  it('a landing with a new campaign or an external referrer starts a new session (reason new_source); reloads and internal links do not', async () => {
    const context = await browser.newContext();
    const url = await serveLab(context, collector, 'landing', {
      attrs: { 'flush-interval': '0.2' },
      body: '<a id="internal" href="/lab/landing?page=2">next</a>',
    });
    const page = await openTab(context, url); // direct
    const direct = await eventually('a session', async () => ((await sdkStatus(page)).sessionId ? sdkStatus(page) : undefined));

    await page.goto(`${url}?utm_source=newsletter&utm_medium=email&utm_campaign=spring`);
    await waitForSdk(page);
    const campaign = await eventually('a second session', async () => {
      const s = await sdkStatus(page);
      return s.sessionId && s.sessionId !== direct.sessionId ? s : undefined;
    });
    await page.reload();
    await waitForSdk(page);
    await page.locator('#internal').click();
    await page.waitForURL(/page=2/);
    await waitForSdk(page);
    expect((await sdkStatus(page)).sessionId).toBe(campaign.sessionId);

    await page.goto(url, { referer: 'https://www.google.com/' });
    await waitForSdk(page);
    const search = await eventually('a third session', async () => {
      const s = await sdkStatus(page);
      return s.sessionId && s.sessionId !== campaign.sessionId ? s : undefined;
    });
    expect(search.anonymousId).toBe(direct.anonymousId);

    const stored = await storedFor(direct.anonymousId!, 'two ended sessions', (events) => named(events, 'Session Ended').length >= 2);
    const ends = named(stored, 'Session Ended');
    expect(ends.map((e) => [e.sessionId, e.properties.reason])).toEqual([
      [direct.sessionId, 'new_source'],
      [campaign.sessionId, 'new_source'],
    ]);
    expect(named(stored, 'Session Started').map((e) => e.sessionId)).toEqual([direct.sessionId, campaign.sessionId, search.sessionId]);
    const campaignPages = stored.filter((e) => e.type === 'page' && e.sessionId === campaign.sessionId);
    // Landing, reload and the internal link: all in the campaign's session, all carrying its campaign.
    expect(campaignPages).toHaveLength(3);
    for (const e of campaignPages) expect(e.context.campaign).toMatchObject({ source: 'newsletter', name: 'spring' });
    await context.close();
  });
});
