// <headcount-live> on a static page: one stream per distinct host + key + path, counts that follow events and a
// kiosk session ending, the badge, and a stream that silently stalls (sleep) recovering, live again only when fresh.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { startLiveElementSite, type LiveElementSite } from './support/liveElementSite';

let site: LiveElementSite;
let browser: Browser;
let sequence = 0;

beforeAll(async () => {
  [site, browser] = await Promise.all([startLiveElementSite(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** An SDK-like event of a visitor's session on `path`; `event: 'Session Ended'` ends it, as a kiosk does. */
function sessionEvent(visitor: string, path: string, event = 'Session Started') {
  return {
    type: 'track', event, messageId: `live-element-${++sequence}`, anonymousId: visitor, timestamp: new Date().toISOString(),
    properties: event === 'Session Ended' ? { reason: 'idle', durationSeconds: 20 } : {},
    context: { sessionId: `session-${visitor}`, page: { path, url: `https://museum.example${path}` } },
  };
}

/** Sends the events and resolves when the collector acknowledged them (committed). */
async function send(...batch: unknown[]): Promise<number> {
  const res = await fetch(`${site.url}/v1/batch`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ writeKey: site.writeKey, batch }),
  });
  expect(await res.json()).toMatchObject({ ok: true, accepted: batch.length });
  return Date.now();
}

/** Waits until element `#id` shows `text` with status class `hc-<status>`; returns how long after `since` it did. */
async function shows(page: Page, id: string, text: string, status = 'live', since = Date.now()): Promise<number> {
  await page.waitForFunction(
    ([selector, expected, cls]) => {
      const element = document.querySelector(selector!) as HTMLElement | null;
      return element && !element.hidden && element.textContent === expected && element.classList.contains(cls!);
    },
    [`#${id}`, text, `hc-${status}`],
    { timeout: 10_000, polling: 'raf' },
  );
  return Date.now() - since;
}

const isHidden = (page: Page, id: string) => page.locator(`#${id}`).evaluate((element) => (element as HTMLElement).hidden);

describe('<headcount-live>', () => {
  it('shares one stream per host + key + path, and follows arrivals and a kiosk session ending', async () => {
    const url = site.page('/three.html', `<!doctype html><html><body>
      <p>Here now: <headcount-live id="all" write-key="${site.writeKey}"></headcount-live></p>
      <p><headcount-live id="again" write-key="${site.writeKey}" template="{n} exploring"></headcount-live></p>
      <p>On pricing: <headcount-live id="pricing" write-key="${site.writeKey}" path="/pricing" hide-when-zero></headcount-live></p>
      <script src="/headcount-live.js" defer></script>
    </body></html>`);
    const page = await browser.newPage();
    const opened = site.streamRequests.length;
    await page.goto(url);
    await shows(page, 'all', '0 online');
    await shows(page, 'again', '0 exploring');
    expect(await isHidden(page, 'pricing')).toBe(true);
    expect(await page.locator('#all').getAttribute('aria-live')).toBe('polite');

    const arrived = await send(sessionEvent('kiosk-a', '/pricing'), sessionEvent('reader-b', '/docs'));
    const arrivalMs = await shows(page, 'all', '2 online', 'live', arrived);
    await shows(page, 'again', '2 exploring');
    await shows(page, 'pricing', '1 online');

    const left = await send(sessionEvent('kiosk-a', '/pricing', 'Session Ended'));
    const leavingMs = await shows(page, 'all', '1 online', 'live', left);
    await page.waitForFunction(() => (document.querySelector('#pricing') as HTMLElement).hidden, undefined, { timeout: 10_000 });
    console.log(`<headcount-live>: ack -> on screen ${arrivalMs} ms (arrival), ${leavingMs} ms (kiosk session end)`);

    const streams = site.streamRequests.slice(opened).map((request) => new URL(request, site.url).searchParams.get('path'));
    expect(streams.sort()).toEqual(['/pricing', null]);
    await page.close();
  });

  it('renders the badge with the count', async () => {
    const page = await browser.newPage();
    await page.goto(site.page('/badge.html', `<!doctype html><html><body>
      <img id="badge" alt="people online" src="/v1/active/badge.svg?writeKey=${site.writeKey}">
    </body></html>`));
    await page.waitForFunction(() => {
      const img = document.querySelector('#badge') as HTMLImageElement;
      return img.complete && img.naturalWidth > 0;
    });
    const svg = await page.evaluate((key) => fetch(`/v1/active/badge.svg?writeKey=${key}`).then((r) => r.text()), site.writeKey);
    expect(svg).toContain('>1 online</text>');
    await page.close();
  });

  it('recovers from a stream that silently stalls (sleep), showing live only once the count is fresh', async () => {
    const page = await browser.newPage();
    // The page's clock is ours to move: the 45 s silence watchdog runs in no time.
    await page.clock.install();
    await page.goto(site.page('/sleep.html', `<!doctype html><html><body>
      <headcount-live id="all" write-key="${site.writeKey}"></headcount-live>
      <script src="/headcount-live.js" defer></script>
    </body></html>`));
    await shows(page, 'all', '1 online');
    const opened = site.streamRequests.length;

    // The connection stays open but carries nothing, like a half-open one after sleep; meanwhile someone arrives.
    site.stall(true);
    await send(sessionEvent('sleeper-c', '/'));
    await page.clock.fastForward(46_000);
    // The watchdog gave up on the silent stream: the fresh count comes from GET /v1/active, not yet from a live stream.
    await shows(page, 'all', '2 online', 'connecting');

    site.stall(false);
    await page.clock.runFor(2_000);
    await shows(page, 'all', '2 online', 'live');
    expect(site.streamRequests.length).toBeGreaterThan(opened);
    await page.close();
  });
});
