// Delivery by the script-tag SDK in real Chromium against a real collector: captive portals, closing
// tabs, broken IndexedDB, a full queue while a batch is in flight, a clock fixed while events wait,
// and the script tag's data-* attributes and stub.
import type { StoredEvent } from '@headcount/schema';
import type { Browser, BrowserContext } from 'playwright';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DemoCollector } from './support/demoCollector';
import { eventually } from './support/eventually';
import { openTab, serveLab } from './support/labPage';
import { sdkStatus } from './support/sdkInPage';
import { setUpCollectorAndBrowser } from './support/suiteSetup';

let collector: DemoCollector;
let browser: Browser;

setUpCollectorAndBrowser((c, b) => {
  collector = c;
  browser = b;
});

declare global {
  interface Window {
    clockSkew: number;
    realNow: () => number;
    idbOk?: boolean;
    stubCallAt?: number;
    drops?: string[];
  }
}

/** The stored events named `name` once there are `count` of them (never more: each is stored once). */
async function storedNamed(name: string, count: number): Promise<StoredEvent[]> {
  const events = await eventually(`${count} × ${name}`, async () => {
    const found = (await collector.read.events({ event: name })).filter((e) => e.event === name);
    return found.length >= count ? found : undefined;
  });
  expect(events).toHaveLength(count);
  return events;
}

/** Routes the context's /v1/batch requests through `handle` (which may fall back to the collector). */
async function routeBatch(context: BrowserContext, handle: Parameters<BrowserContext['route']>[1]): Promise<void> {
  await context.route(`${collector.url}/v1/batch`, handle);
}

describe('delivery (script tag)', () => {
  it('a captive portal answering 200 with its own page acknowledges nothing: every event is delivered after', async () => {
    const context = await browser.newContext();
    const url = await serveLab(context, collector, 'portal', { attrs: { 'flush-interval': '0.2', 'auto-pageviews': 'false' } });
    let portal = true;
    let portalAnswers = 0;
    await routeBatch(context, (route) => {
      if (!portal) return route.fallback();
      portalAnswers++;
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Sign in to the Wi-Fi</title><form></form>' });
    });
    const page = await openTab(context, url);
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) window.headcount!.track('Portal Tap', { i });
    });
    await eventually('two answers from the portal (or a send counted)', async () =>
      portalAnswers >= 2 || (await sdkStatus(page)).sent > 0 ? true : undefined,
    );
    // Session Started and the five taps: still queued, none counted as sent.
    expect(await sdkStatus(page)).toMatchObject({ queued: 6, sent: 0, dropped: 0 });

    portal = false;
    await page.evaluate(() => window.headcount!.flush());
    const taps = await storedNamed('Portal Tap', 5);
    expect(taps.map((e) => e.properties.i).sort()).toEqual([0, 1, 2, 3, 4]);
    await eventually('the page to see its events acknowledged', async () => ((await sdkStatus(page)).queued === 0 ? true : undefined));
    expect(await sdkStatus(page)).toMatchObject({ sent: 6, dropped: 0 });
    await context.close();
  });

  it('closing a tab right after its last taps loses none of them, when another tab delivered its earlier events', async () => {
    const context = await browser.newContext();
    // One tab sends often; the other never sends by itself (only when it is closed).
    const senderUrl = await serveLab(context, collector, 'sender', {
      attrs: { 'flush-interval': '0.1', 'auto-pageviews': 'false' },
      script: 'setInterval(function(){window.headcount&&headcount.flush&&headcount.flush()},100)',
    });
    const closerUrl = await serveLab(context, collector, 'closer', { attrs: { 'flush-interval': '3600', 'batch-size': '2500', 'auto-pageviews': 'false' } });
    await openTab(context, senderUrl);
    const closer = await openTab(context, closerUrl);
    // More than the 64 KiB an unload send may carry.
    await closer.evaluate(() => {
      for (let i = 0; i < 150; i++) window.headcount!.track('Early Tap', { i, note: 'x'.repeat(300) });
    });
    await storedNamed('Early Tap', 150);

    await closer.evaluate(() => {
      for (let i = 0; i < 30; i++) window.headcount!.track('Last Tap', { i });
    });
    await closer.close();
    const last = await storedNamed('Last Tap', 30);
    expect(new Set(last.map((e) => e.properties.i)).size).toBe(30);
    await context.close();
  });

  it('events a broken IndexedDB sent to localStorage are delivered after a reload, and IndexedDB is tried again', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const open = IDBFactory.prototype.open;
      IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
        if (!window.idbOk && !sessionStorage.getItem('idb-ok')) throw new DOMException('IndexedDB is unavailable', 'InvalidStateError');
        return open.apply(this, args);
      };
    });
    const url = await serveLab(context, collector, 'fallback', { attrs: { 'flush-interval': '0.2', 'auto-pageviews': 'false' } });
    const outage = collector.startOutage();
    onTestFinished(() => outage.end());
    const page = await openTab(context, url);
    const lsQueue = () => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '[]').map((i: { e: { event: string } }) => i.e.event), `hc_q${collector.writeKey}`);

    await page.evaluate(() => window.headcount!.track('Stranded A'));
    await eventually('the first events in localStorage', async () => ((await lsQueue()).includes('Stranded A') ? true : undefined));
    // IndexedDB works again: the next events go there, not to the fallback.
    await page.evaluate(() => {
      window.idbOk = true;
      window.headcount!.track('Stranded B');
      window.headcount!.track('Stranded C');
    });
    await eventually('the later events queued', async () => ((await sdkStatus(page)).queued === 4 ? true : undefined));
    expect(await lsQueue()).toEqual(['Session Started', 'Stranded A']);

    await page.evaluate(() => sessionStorage.setItem('idb-ok', '1'));
    await page.reload();
    outage.end();
    await page.waitForFunction(() => typeof window.headcount?.flush === 'function');
    await page.evaluate(() => window.headcount!.flush());
    for (const name of ['Stranded A', 'Stranded B', 'Stranded C']) await storedNamed(name, 1);
    await eventually('both queues empty', async () => ((await sdkStatus(page)).queued === 0 ? true : undefined));
    expect(await lsQueue()).toEqual([]);
    await context.close();
  });

  it('a queue overflow while a batch is in flight reports no delivered event as dropped', async () => {
    const context = await browser.newContext();
    const url = await serveLab(context, collector, 'overflow', {
      attrs: { 'max-queue': '5', 'batch-size': '5', 'flush-interval': '3600', 'auto-pageviews': 'false' },
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let requests = 0;
    await routeBatch(context, async (route) => {
      if (++requests === 1) await held;
      await route.fallback();
    });
    const page = await openTab(context, url);
    await page.evaluate(() => {
      window.drops = [];
      window.headcount!.on('drop', (d) => window.drops!.push(String(d.event.messageId)));
      // Session Started and four taps: a full batch, sent at once and held in flight.
      for (let i = 0; i < 4; i++) window.headcount!.track('First', { i });
    });
    await eventually('the first batch in flight', () => (requests === 1 ? true : undefined));
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) window.headcount!.track('Second', { i });
    });
    await eventually('the queue over its cap', async () => {
      const s = await sdkStatus(page);
      return s.queued === 10 || s.dropped > 0 ? true : undefined;
    });
    release();
    await storedNamed('First', 4);
    await eventually('the queue empty', async () => ((await sdkStatus(page)).queued === 0 ? true : undefined));
    expect(await page.evaluate(() => window.drops)).toEqual([]);
    expect(await sdkStatus(page)).toMatchObject({ dropped: 0 });
    await context.close();
  });

  it('an event keeps the time it happened when the device clock is corrected before it is sent', async () => {
    const context = await browser.newContext();
    // The kiosk booted with its clock an hour behind; NTP fixes it while the tap waits in the queue.
    await context.addInitScript(() => {
      const real = Date.now;
      window.realNow = real;
      window.clockSkew = -3_600_000;
      Date.now = () => real() + window.clockSkew;
    });
    const url = await serveLab(context, collector, 'clock', { attrs: { 'flush-interval': '3600', 'batch-size': '100', 'auto-pageviews': 'false' } });
    const page = await openTab(context, url);
    const tappedAt = await page.evaluate(() => {
      const at = window.realNow();
      window.headcount!.track('Clock Tap');
      return at;
    });
    await page.evaluate(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      window.clockSkew = 0;
      await window.headcount!.flush();
    });
    const [tap] = await storedNamed('Clock Tap', 1);
    // The device's own (true) clock at the tap against the collector's corrected time: an hour apart without the fix.
    expect(Math.abs(Date.parse(tap!.timestamp) - tappedAt)).toBeLessThan(1_000);
    await context.close();
  });
});

describe('script tag attributes and stub', () => {
  it('calls queued by the stub keep the time they were made, not the time the SDK loaded', async () => {
    const context = await browser.newContext();
    const url = await serveLab(context, collector, 'stub', {
      stub: true,
      sdkDelayMs: 1_500,
      attrs: { 'flush-interval': '0.2', 'auto-pageviews': 'false' },
      script: 'window.stubCallAt=Date.now();headcount.track("Before Load")',
    });
    const page = await openTab(context, url);
    const callAt = await page.evaluate(() => window.stubCallAt!);
    const [event] = await storedNamed('Before Load', 1);
    // Both times come from the page's clock: the stub's call and the SDK's stamp of it.
    expect(Math.abs(Date.parse(event!.originalTimestamp!) - callAt)).toBeLessThan(100);
    await context.close();
  });

  it('data-storage="memory" persists nothing; data-max-queue caps the queue', async () => {
    const context = await browser.newContext();
    const memoryUrl = await serveLab(context, collector, 'memory', { attrs: { storage: 'memory', 'flush-interval': '0.2' } });
    const page = await openTab(context, memoryUrl);
    await page.evaluate(() => window.headcount!.track('In Memory'));
    await storedNamed('In Memory', 1);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual([]);

    const cappedUrl = await serveLab(context, collector, 'capped', { attrs: { 'max-queue': '3', 'flush-interval': '0.2', 'auto-pageviews': 'false' } });
    const outage = collector.startOutage();
    onTestFinished(() => outage.end());
    const capped = await openTab(context, cappedUrl);
    await capped.evaluate(() => {
      for (let i = 0; i < 10; i++) window.headcount!.track('Capped', { i });
    });
    // Session Started and ten taps, three kept.
    await eventually('the oldest dropped', async () => ((await sdkStatus(capped)).dropped === 8 ? true : undefined));
    expect((await sdkStatus(capped)).queued).toBe(3);
    await context.close();
  });
});
