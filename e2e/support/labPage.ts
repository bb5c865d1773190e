// Bare test pages for the script-tag SDK on the collector's own origin (so the tabs of a context share
// its storage and locks), with any data-* attributes, the pre-load stub and a page script.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright';
import type { DemoCollector } from './demoCollector';
import { waitForSdk } from './sdkInPage';

export interface LabOptions {
  /** data-* attributes of the script tag, without the `data-` prefix (`kiosk: ''`, `'idle-timeout': '1'`). */
  attrs?: Record<string, string>;
  /** The README's one-line stub before the tag, so calls made before the SDK loads are queued. */
  stub?: boolean;
  /** A page script run before the SDK has loaded (after the stub). */
  script?: string;
  /** Extra body markup. */
  body?: string;
  /** Holds the SDK's script back this long, so calls made meanwhile go through the stub. */
  sdkDelayMs?: number;
}

/** The stub exactly as packages/browser/README.md gives it. */
export const STUB = /<!-- stub -->\s*```html\s*<script>(.*)<\/script>/.exec(
  readFileSync(fileURLToPath(new URL('../../packages/browser/README.md', import.meta.url)), 'utf8'),
)![1]!;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function labHtml(collector: DemoCollector, { attrs = {}, stub, script, body = '' }: LabOptions): string {
  const data = Object.entries({ 'write-key': collector.writeKey, ...attrs })
    .map(([k, v]) => ` data-${k}="${escape(v)}"`)
    .join('');
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>lab</title>',
    stub ? `<script>${STUB}</script>` : '',
    script ? `<script>${script}</script>` : '',
    `<script defer src="/headcount.js"${data}></script>`,
    `</head><body>${body}</body></html>`,
  ].join('');
}

/**
 * Serves `/lab/<name>` (any query string) with these options in every tab of `context`. With
 * HEADCOUNT_E2E_SDK set to a built headcount.js, the context loads that build instead of the
 * collector's (to show that a spec fails against an older SDK).
 */
export async function serveLab(context: BrowserContext, collector: DemoCollector, name: string, options: LabOptions = {}): Promise<string> {
  const html = labHtml(collector, options);
  await context.route(new RegExp(`^${collector.url}/lab/${name}(\\?.*)?$`), (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
  );
  const override = process.env.HEADCOUNT_E2E_SDK;
  if (override || options.sdkDelayMs) {
    const code = override ? await readFile(override, 'utf8') : undefined;
    await context.route(`${collector.url}/headcount.js`, async (route) => {
      const body = code ?? (await (await route.fetch()).text());
      await new Promise((resolve) => setTimeout(resolve, options.sdkDelayMs ?? 0));
      await route.fulfill({ status: 200, contentType: 'text/javascript', body });
    });
  }
  return `${collector.url}/lab/${name}`;
}

/** Opens a new tab of `context` on `url` and waits for the SDK. */
export async function openTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await waitForSdk(page);
  return page;
}
