// One collector, one static site (another origin) and Chromium per spec file; each case gets its own app and browser context.
import type { Browser } from 'playwright';
import { afterAll, beforeAll } from 'vitest';
import { startTestCollector, type TestCollector } from '../../packages/collector/test/support/testCollector';
import { e2eBackend } from '../support/backend';
import { bundleForPage } from '../support/bundleForPage';
import { launchChromium } from '../support/chromium';
import { watchForeignRequests } from '../support/foreignRequests';
import { readApi, type ReadApi } from '../support/readApi';
import { startRecordingProxy, type ProxiedCall, type RecordingProxy } from '../support/recordingProxy';
import { startStaticSite, type StaticSite } from '../support/staticSite';
import { LANDING_PATH, LANDING_SEARCH, REFERRER, type ScenarioConfig, type ScenarioResult } from './scenario';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pricing</title><script src="/library.js"></script></head>
<body><h1>Pricing</h1></body></html>`;

export interface CompatHarness {
  collector: TestCollector;
  site: StaticSite;
  browser: Browser;
  /** Each case's proxy, closed with the rest. */
  proxies: RecordingProxy[];
}

/** What one case produced: the library's view, the requests the collector got, and the app's read API. */
export interface CaseRun {
  mode: string;
  config: ScenarioConfig;
  result: ScenarioResult;
  /** Every request that reached the collector for this case, preflights and beacons included, with its answer. */
  calls: ProxiedCall[];
  /** Requests the page made to any other origin than the site's and the collector's. */
  foreign: string[];
  siteOrigin: string;
  read: ReadApi;
  landingUrl: string;
}

/** Bundles `entry` (a module under pages/) for the site and starts everything for the spec file. */
export function setUpCompatHarness(entry: string): () => CompatHarness {
  let harness: CompatHarness | undefined;
  beforeAll(async () => {
    const library = await bundleForPage(new URL(`./pages/${entry}`, import.meta.url).pathname);
    const [collector, site, browser] = await Promise.all([
      startTestCollector(e2eBackend()),
      startStaticSite({
        '/pricing.html': { contentType: 'text/html; charset=utf-8', body: PAGE },
        '/library.js': { contentType: 'text/javascript', body: library },
      }),
      launchChromium(),
    ]);
    harness = { collector, site, browser, proxies: [] };
  });
  afterAll(async () => {
    await harness?.browser.close();
    await Promise.all(harness?.proxies.map((p) => p.close()) ?? []);
    await harness?.site.close();
    await harness?.collector.close();
  });
  return () => {
    if (!harness) throw new Error('the compat harness has not started');
    return harness;
  };
}

/**
 * Lands a fresh visitor on the site (utm-tagged URL, external referrer) under a new app that allows only
 * the site's origin, and runs the page's scenario in `mode`.
 */
export async function runCase(harness: CompatHarness, library: string, mode: string): Promise<CaseRun> {
  const { collector, site, browser } = harness;
  const app = await collector.createApp({ name: `${library}-${mode}`, origins: [site.origin] });
  // The libraries reach the collector as `localhost` (another site than the page's 127.0.0.1) through a recorder.
  const proxy = await startRecordingProxy(collector.url);
  harness.proxies.push(proxy);
  // A fresh profile per case; closing the browser after the file closes it.
  const context = await browser.newContext();
  const page = await context.newPage();
  const foreign = watchForeignRequests(page, [site.origin, proxy.origin]);
  const landingUrl = `${site.origin}${LANDING_PATH}${LANDING_SEARCH}`;
  await page.goto(landingUrl, { referer: REFERRER });
  const config: ScenarioConfig = {
    writeKey: app.writeKey,
    collector: proxy.origin,
    mode,
    userId: `${library}-${mode}-user`,
    groupId: `${library}-${mode}-group`,
    aliasTo: `${library}-${mode}-user-renamed`,
  };
  const result = await page.evaluate((c) => window.compatScenario!(c), config);
  return { mode, config, result, calls: proxy.calls, foreign, siteOrigin: site.origin, read: readApi(collector.url, app), landingUrl };
}
