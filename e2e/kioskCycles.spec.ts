// Kiosk mode over many visitors with random timing, in real Chromium: every tap lands in the session of
// the person who made it, no session ends before its last event, and nothing but deliberate input
// (no hover, no script's scroll) starts a session.
import type { StoredEvent } from '@headcount/schema';
import type { Browser } from 'playwright';
import { describe, expect, it } from 'vitest';
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
    cycle: number;
    ends: number;
  }
}

const CYCLES = 20;

/** A small seeded generator: random timing that a failure can replay. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

// The attract screen resets itself when a session ends: it scrolls back to the top, as real ones do.
const APP = `
window.cycle = -1; window.ends = 0;
document.addEventListener('click', function (e) {
  if (e.target.id !== 'tap') return;
  headcount.track('Tap', { cycle: window.cycle });
  window.scrollTo(0, 300 + Math.round(Math.random() * 600));
});
headcount.on('sessionend', function () { window.ends++; window.scrollTo(0, 0); });
`;

const time = (e: StoredEvent) => Date.parse(e.originalTimestamp!);

describe('kiosk visitors (script tag)', () => {
  it(`${CYCLES} visitors with random timing: one session each, holding all their taps, never ending before its last event`, async () => {
    const seed = Date.now() % 100_000;
    const random = seeded(seed);
    const context = await browser.newContext({ viewport: { width: 800, height: 600 }, hasTouch: true });
    const url = await serveLab(context, collector, 'kiosk-cycles', {
      stub: true,
      script: APP,
      attrs: { kiosk: '', 'idle-timeout': '2', 'flush-interval': '0.5', 'track-clicks': 'false' },
      body: '<div style="height:3000px"><button id="tap" style="position:fixed;top:40px;left:40px;width:240px;height:120px">Tap</button></div>',
    });
    const page = await openTab(context, url);

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await page.evaluate((c) => (window.cycle = c), cycle);
      const taps = 1 + Math.floor(random() * 3);
      for (let t = 0; t < taps; t++) {
        if (t) await page.waitForTimeout(30 + random() * 270);
        await page.locator('#tap').tap();
      }
      // Nobody touches the table: the session ends and the app scrolls back; then a hover passes by.
      await page.waitForFunction((c) => window.ends > c, cycle, { timeout: 10_000 });
      await page.mouse.move(300 + random() * 400, 300 + random() * 200);
      await page.mouse.move(100 + random() * 400, 400 + random() * 100, { steps: 5 });
      await page.waitForTimeout(random() * 300);
    }

    await eventually('every event delivered', async () => ((await sdkStatus(page)).queued === 0 ? true : undefined), { timeoutMs: 20_000 });
    const events = (await collector.read.events()).filter((e) => e.context.page?.path === '/lab/kiosk-cycles');
    const named = (name: string) => events.filter((e) => e.event === name);
    const context_ = `seed ${seed}`;

    // One session per visitor: no phantom session from the scroll or the hover.
    expect(named('Session Started'), context_).toHaveLength(CYCLES);
    expect(named('Session Ended'), context_).toHaveLength(CYCLES);
    const sessions = new Set<string>();
    const visitors = new Set<string>();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const taps = named('Tap').filter((e) => e.properties.cycle === cycle);
      expect(taps.length, context_).toBeGreaterThan(0);
      const ids = new Set(taps.map((e) => `${e.sessionId} ${e.anonymousId}`));
      expect(ids.size, `${context_}: cycle ${cycle}`).toBe(1);
      expect(taps[0]!.sessionId, context_).toBeTruthy();
      sessions.add(taps[0]!.sessionId!);
      visitors.add(taps[0]!.anonymousId!);
    }
    expect(sessions.size).toBe(CYCLES);
    expect(visitors.size).toBe(CYCLES);

    // On the page's own clock: start <= every event <= end, and the duration is end - start.
    for (const sessionId of sessions) {
      const mine = events.filter((e) => e.sessionId === sessionId);
      const [start] = mine.filter((e) => e.event === 'Session Started');
      const [end] = mine.filter((e) => e.event === 'Session Ended');
      expect(end!.properties.reason).toBe('idle');
      for (const e of mine) {
        expect(time(e), `${context_}: ${e.event ?? e.type} after the start`).toBeGreaterThanOrEqual(time(start!));
        expect(time(e), `${context_}: ${e.event ?? e.type} before the end`).toBeLessThanOrEqual(time(end!));
      }
      // Stamps are whole milliseconds, the duration is not rounded.
      expect(Math.abs(Number(end!.properties.durationSeconds) * 1000 - (time(end!) - time(start!)))).toBeLessThanOrEqual(2);
    }
    // Nothing was recorded outside a visitor's session.
    expect(events.filter((e) => !e.sessionId)).toEqual([]);
    await context.close();
  }, 240_000);
});
