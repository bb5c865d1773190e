// The script-tag build in kiosk mode, driven by touch in real Chromium against a real collector.
import type { StoredEvent } from '@headcount/schema';
import type { Browser, BrowserContext, Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { DemoCollector } from './support/demoCollector';
import { expectStampedDuring, recoveryTime, setUpCollectorAndBrowser, type ActionWindow } from './support/suiteSetup';
import { eventually } from './support/eventually';
import { saveScreenshot } from './support/screenshots';
import { sdkSession, sdkStatus, waitForSdk } from './support/sdkInPage';

/** When one exhibit was tapped: from before the tap until its panel was on screen. */
interface TapWindow extends ActionWindow {
  exhibit: string;
}

let collector: DemoCollector;
let browser: Browser;

setUpCollectorAndBrowser((c, b) => {
  collector = c;
  browser = b;
});

function touchContext(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 720 }, hasTouch: true });
}

async function openKiosk(context: BrowserContext, idleTimeoutSeconds: number): Promise<Page> {
  const page = await context.newPage();
  await page.goto(collector.kioskUrl(idleTimeoutSeconds));
  await waitForSdk(page);
  return page;
}

async function touchToExplore(page: Page): Promise<void> {
  await page.locator('#attract').tap();
  await page.locator('#gallery').waitFor({ state: 'visible' });
}

/** Taps an exhibit's card, waits for its panel, taps "Back to exhibits". */
async function tapExhibit(page: Page, exhibit: string): Promise<TapWindow> {
  const from = Date.now();
  await page.locator(`#exhibit-${exhibit}`).tap();
  await page.locator('#exhibit').waitFor({ state: 'visible' });
  const to = Date.now();
  await page.locator('#exhibit-back').tap();
  await page.locator('#gallery').waitFor({ state: 'visible' });
  return { exhibit, from, to };
}

declare global {
  interface Window {
    kioskTimes?: { input: number; ended: number };
  }
}

const named = (events: StoredEvent[], name: string) => events.filter((e) => e.event === name);
const byTime = (a: StoredEvent, b: StoredEvent) => Date.parse(a.timestamp) - Date.parse(b.timestamp);

describe('kiosk example (script tag)', () => {
  it('stores every tap exactly once, at tap time, across an outage and a reload while unreachable', async () => {
    const context = await touchContext();
    const page = await openKiosk(context, 60);

    // Online: the first touch starts the session.
    await touchToExplore(page);
    const visitor = await sdkSession(page);
    const taps: TapWindow[] = [await tapExhibit(page, 'blue-whale'), await tapExhibit(page, 't-rex')];
    await eventually('the online taps to be stored', async () => {
      const stored = named(await collector.read.events({ event: 'Exhibit Opened' }), 'Exhibit Opened');
      return stored.length === 2 ? stored : undefined;
    });
    await saveScreenshot(page, 'kiosk').then((bytes) => expect(bytes).toBeLessThan(150_000));

    // The collector goes away: taps keep coming, the SDK tries and fails.
    const outage = collector.startOutage();
    taps.push(await tapExhibit(page, 'monarchs'), await tapExhibit(page, 'coral-reef'), await tapExhibit(page, 'meteorites'));
    await eventually('a refused send before the reload', () => (outage.refused.length > 0 ? true : undefined));

    // Reload while still unreachable: the queue must survive it.
    await page.reload();
    await waitForSdk(page);
    await page.locator('#gallery').waitFor({ state: 'visible' });
    expect((await sdkStatus(page)).sessionId).toBe(visitor.sessionId);
    taps.push(await tapExhibit(page, 'giant-sequoia'));
    const lastTapDone = Date.now();
    await eventually('a refused send from the reloaded page', () =>
      outage.refused.some((r) => r.at > lastTapDone && r.path.startsWith('/v1/batch')) ? true : undefined,
    );
    await eventually('the reloaded page to have queued the offline taps', async () => ((await sdkStatus(page)).queued > 0 ? true : undefined));
    // Nothing reached the collector during the outage.
    expect(named(await collector.read.events({ event: 'Exhibit Opened' }), 'Exhibit Opened')).toHaveLength(2);

    // The collector comes back: the SDK's own retry delivers the queue.
    const recoveredAt = await recoveryTime(lastTapDone);
    outage.end();
    const mine = await eventually(
      'every queued event to be delivered',
      async () => {
        const status = await sdkStatus(page);
        const events = (await collector.read.events()).filter((e) => e.anonymousId === visitor.anonymousId);
        return status.queued === 0 && named(events, 'Exhibit Opened').length >= 6 ? events : undefined;
      },
      { timeoutMs: 30_000 },
    );

    // Exactly once: unique message ids and the exact count of each kind.
    const ids = mine.map((e) => e.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const opened = named(mine, 'Exhibit Opened').sort(byTime);
    expect(opened.map((e) => e.properties.exhibit)).toEqual(taps.map((t) => t.exhibit));
    expect(named(mine, 'Session Started')).toHaveLength(1);
    expect(named(mine, 'Session Ended')).toHaveLength(0);
    // One tap on the attract screen, then a card and "Back" per exhibit.
    expect(named(mine, 'Element Clicked')).toHaveLength(1 + 2 * taps.length);
    // The session's landing page, and the reload's.
    expect(mine.filter((e) => e.type === 'page')).toHaveLength(2);
    expect(mine).toHaveLength(1 + 1 + 2 * taps.length + taps.length + 2);
    expect(new Set(mine.map((e) => e.sessionId))).toEqual(new Set([visitor.sessionId]));

    expectStampedDuring(opened, taps, recoveredAt);
    await context.close();
  });

  it('ends an idle session (reason idle), shows the attract screen, and gives the next visitor a new anonymousId', async () => {
    const context = await touchContext();
    const page = await openKiosk(context, 2);
    await expect.poll(() => page.locator('#attract').isVisible()).toBe(true);
    // Idle time measured where the SDK measures it: the page's own monotonic clock.
    await page.evaluate(() => {
      window.kioskTimes = { input: 0, ended: 0 };
      addEventListener('pointerdown', (e) => (window.kioskTimes!.input = e.timeStamp), true);
      window.headcount!.on('sessionend', () => (window.kioskTimes!.ended = performance.now()));
    });

    await touchToExplore(page);
    const first = await sdkSession(page);
    const lastTouch = (await tapExhibit(page, 'coral-reef')).to;

    // Nobody touches the table: the SDK ends the session and the page goes back to its attract screen.
    await page.locator('#attract').waitFor({ state: 'visible', timeout: 10_000 });
    const { input, ended: endedAt } = await page.evaluate(() => window.kioskTimes!);
    // 2 s after the last input, less the 100 ms within which the SDK thins a burst of input.
    expect(endedAt - input).toBeGreaterThanOrEqual(1900);
    const ended = await eventually('Session Ended to be stored', async () => {
      const events = await collector.read.events({ event: 'Session Ended' });
      return events.find((e) => e.sessionId === first.sessionId);
    });
    expect(ended.anonymousId).toBe(first.anonymousId);
    expect(ended.properties.reason).toBe('idle');
    // Stamped at the last activity, not when the timer fired.
    expect(Date.parse(ended.timestamp)).toBeLessThanOrEqual(lastTouch + 1000);

    // The next person.
    await touchToExplore(page);
    const second = await sdkSession(page, first.sessionId);
    expect(second.anonymousId).not.toBe(first.anonymousId);
    await tapExhibit(page, 'meteorites');
    const next = await eventually('the next visitor\'s tap to be stored', async () => {
      const events = await collector.read.events({ event: 'Exhibit Opened' });
      return events.find((e) => e.sessionId === second.sessionId);
    });
    expect(next.anonymousId).toBe(second.anonymousId);

    const session = (await collector.read.sessions()).find((s) => s.id === first.sessionId);
    expect(session?.endReason).toBe('idle');
    expect(session?.anonymousId).toBe(first.anonymousId);
    await context.close();
  });
});
