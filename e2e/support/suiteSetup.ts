import type { Browser } from 'playwright';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium } from './chromium';
import { startDemoCollector, type DemoCollector } from './demoCollector';

/** Starts a collector (with the examples) and Chromium for a spec file, hands both over, and closes them after it. */
export function setUpCollectorAndBrowser(take: (collector: DemoCollector, browser: Browser) => void): void {
  let started: [DemoCollector, Browser] | undefined;
  beforeAll(async () => {
    started = await Promise.all([startDemoCollector(), launchChromium()]);
    take(...started);
  });
  afterAll(async () => {
    await started?.[1].close();
    await started?.[0].close();
  });
}

/** A user action's time span: from just before the input until its effect was on screen. */
export interface ActionWindow {
  from: number;
  to: number;
}

/**
 * When an outage ends: over a second after the last action, so that an event stamped at delivery instead of at its
 * action would show in expectStampedDuring (waited for here, never assumed of how long the SDK's retries took).
 */
export async function recoveryTime(lastActionDone: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastActionDone + 1_100 - Date.now())));
  return Date.now();
}

/**
 * Each event was stamped during its action, not when an outage ended: both the client's time and the
 * clock-corrected one (which may move by the request's network time) fall within the action's window.
 */
export function expectStampedDuring(
  events: ReadonlyArray<{ originalTimestamp: string | null; timestamp: string }>,
  windows: readonly ActionWindow[],
  recoveredAt: number,
): void {
  expect(events).toHaveLength(windows.length);
  events.forEach((event, i) => {
    const window = windows[i]!;
    const original = Date.parse(event.originalTimestamp ?? '');
    expect(original).toBeGreaterThanOrEqual(window.from - 50);
    expect(original).toBeLessThanOrEqual(window.to + 50);
    const corrected = Date.parse(event.timestamp);
    expect(corrected).toBeGreaterThanOrEqual(window.from - 500);
    expect(corrected).toBeLessThanOrEqual(window.to + 500);
    expect(corrected).toBeLessThan(recoveredAt);
  });
}
