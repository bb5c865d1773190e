// Reading the SDK from inside a page: `window.headcount` is the script tag's client, and the SPA exposes its own.
import type { HeadcountClient, HeadcountStatus } from '@headcount/browser';
import type { Page } from 'playwright';
import { eventually } from './eventually';

/** One request the collector acknowledged, as the page's SDK reported it through `on('send')`. */
export interface SendRecord {
  at: number;
  events: string[];
  messageIds: string[];
  accepted: number;
  duplicates: number;
}

declare global {
  interface Window {
    headcount?: HeadcountClient;
    headcountSends?: SendRecord[];
  }
}

export async function waitForSdk(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof window.headcount?.status === 'function');
}

export async function sdkStatus(page: Page): Promise<HeadcountStatus> {
  await waitForSdk(page);
  return page.evaluate(() => window.headcount!.status());
}

/**
 * The SDK's status once it has a session other than `not`: a session start is decided across tabs
 * (Web Locks), a moment after the input or call that asked for it.
 */
export function sdkSession(page: Page, not?: string | null): Promise<HeadcountStatus> {
  return eventually('a session', async () => {
    const status = await sdkStatus(page);
    return status.sessionId && status.sessionId !== not ? status : undefined;
  });
}

/** Starts recording this page's acknowledged sends (again after every reload). */
export async function recordSends(page: Page): Promise<void> {
  await waitForSdk(page);
  await page.evaluate(() => {
    window.headcountSends = [];
    window.headcount!.on('send', (info) => {
      window.headcountSends!.push({
        at: Date.now(),
        events: info.events.map((e) => ('event' in e && e.event) || e.type),
        messageIds: info.events.map((e) => e.messageId ?? ''),
        accepted: info.accepted,
        duplicates: info.duplicates,
      });
    });
  });
}

export function recordedSends(page: Page): Promise<SendRecord[]> {
  return page.evaluate(() => window.headcountSends ?? []);
}
