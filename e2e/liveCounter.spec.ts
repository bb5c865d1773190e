// <ActiveUsers/> in the SPA against the collector's live stream: visitors arriving and a kiosk visitor leaving.
import type { Browser, Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import type { DemoCollector } from './support/demoCollector';
import { setUpCollectorAndBrowser } from './support/suiteSetup';
import { eventually } from './support/eventually';
import { recordedSends, recordSends, waitForSdk } from './support/sdkInPage';

let collector: DemoCollector;
let browser: Browser;

setUpCollectorAndBrowser((c, b) => {
  collector = c;
  browser = b;
});

/** Resolves once `page`'s SDK got the collector's acknowledgment of an event named `event`; returns when. */
async function acknowledged(page: Page, event: string): Promise<number> {
  return eventually(`the collector to acknowledge "${event}"`, async () => {
    const sends = await recordedSends(page);
    return sends.find((s) => s.events.includes(event))?.at;
  }, { intervalMs: 20 });
}

/** Waits until the header's counter reads `count` online, at most until `deadline` (ms since epoch). */
async function expectCount(page: Page, count: number, deadline: number): Promise<void> {
  const timeout = Math.max(1, deadline - Date.now());
  await page.locator('.online', { hasText: `${count} online` }).waitFor({ timeout });
}

describe('live counter', () => {
  it('counts a second visitor within 2 s of their first event, and drops a kiosk visitor within 2 s of the session end', async () => {
    const first = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await first.goto(collector.spaUrl('/'));
    await expectCount(first, 1, Date.now() + 15_000);

    // A second visitor, in another browser profile.
    const second = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await second.goto(collector.spaUrl('/pricing'));
    await recordSends(second);
    const arrived = await acknowledged(second, 'page');
    await expectCount(first, 2, arrived + 2000);

    // A visitor at the touch table: the kiosk session counts while it lasts.
    const kiosk = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, hasTouch: true })).newPage();
    await kiosk.goto(collector.kioskUrl(2));
    await waitForSdk(kiosk);
    await recordSends(kiosk);
    await kiosk.locator('#attract').tap();
    await kiosk.locator('#exhibit-blue-whale').tap();
    const started = await acknowledged(kiosk, 'Session Started');
    await expectCount(first, 3, started + 2000);

    // They walk away: the idle timeout ends the session and the count drops at once.
    await kiosk.locator('#attract').waitFor({ state: 'visible', timeout: 10_000 });
    const left = await acknowledged(kiosk, 'Session Ended');
    await expectCount(first, 2, left + 2000);
    expect((await collector.read.active()).activeUsers).toBe(2);
  });
});
