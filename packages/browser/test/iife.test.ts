import { readFileSync } from 'node:fs';
import type { PageEvent, TrackEvent } from '@headcount/schema';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildIife } from './buildIife';
import { fakeBrowser, type BrowserOptions } from './fakeBrowser';

let bundle: string;
/** The stub exactly as the README documents it. */
const stub = /<!-- stub -->\s*```html\s*<script>(.*)<\/script>/.exec(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))![1]!;

beforeAll(async () => {
  bundle = await buildIife();
}, 60_000);
beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 22, 9, 0, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Loads the bundle into a fresh fake page, then lets the load-time page view and its session start happen. */
async function load(o: Partial<BrowserOptions> = {}, before?: (b: ReturnType<typeof fakeBrowser>) => void) {
  const b = fakeBrowser({
    url: 'https://museum.example/exhibits?utm_source=newsletter&utm_campaign=spring&gclid=abc',
    src: 'https://collector.example/headcount.js',
    data: { writeKey: 'wk_1' },
    referrer: 'https://www.google.com/',
    ...o,
  });
  before?.(b);
  b.run(bundle);
  await vi.advanceTimersByTimeAsync(0);
  return b;
}

describe('script tag', () => {
  it('sends to the origin that served the script, with the write key and full context', async () => {
    const b = await load();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]!.url).toBe('https://collector.example/v1/batch');
    expect(b.requests[0]!.body.writeKey).toBe('wk_1');
    const [started, page] = b.events() as [TrackEvent, PageEvent];
    expect(started).toMatchObject({ type: 'track', event: 'Session Started' });
    expect(page.type).toBe('page');
    expect(page.context).toMatchObject({
      page: { url: 'https://museum.example/exhibits?utm_source=newsletter&utm_campaign=spring&gclid=abc', path: '/exhibits', referrer: 'https://www.google.com/', title: 'Dinosaurs' },
      userAgent: 'FakeBrowser/1.0',
      locale: 'en-GB',
      screen: { width: 1920, height: 1080 },
      library: { name: '@headcount/browser', version: '0.1.0' },
      campaign: { source: 'newsletter', name: 'spring' },
      clickIds: { gclid: 'abc' },
      sessionId: started.context!.sessionId,
    });
    expect(typeof page.context!.timezone).toBe('string');
    // Persisted without cookies.
    const storage = b.win.localStorage as Storage;
    expect(storage.getItem('hc_a')).toBe(page.anonymousId);
    expect(JSON.parse(storage.getItem('hc_s')!).i).toBe(started.context!.sessionId);
  });

  it('adds nothing to the page but window.headcount (the bundle is one block of `let`s, no function around it)', async () => {
    let before: string[] = [];
    const b = await load({}, (page) => {
      before = Object.getOwnPropertyNames(page.win);
    });
    expect(Object.getOwnPropertyNames(b.win).filter((name) => !before.includes(name))).toEqual(['headcount']);
    // A script's top-level `let` would be a global name of the page: loading the script again would then throw.
    expect(() => b.run(bundle)).not.toThrow();
    expect(b.headcount.status().sessionId).toEqual(expect.any(String));
  });

  it('honours data-host', async () => {
    const b = await load({ data: { writeKey: 'wk_1', host: 'https://eu.collector.example/' } });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(b.requests[0]!.url).toBe('https://eu.collector.example/v1/batch');
  });

  it('replays the calls the README stub queued before load, then exposes the client', async () => {
    const seen: string[] = [];
    const b = await load({}, (b) => {
      b.run(stub);
      (b.win.headcount as { on(t: string, cb: (s: { sessionId: string }) => void): void }).on('sessionstart', (s) => seen.push(s.sessionId));
      b.run(`headcount.identify('member_7', {plan: 'family'}); headcount.track('Early Tap', {n: 1});`);
    });
    expect(typeof b.headcount.status).toBe('function');
    await vi.advanceTimersByTimeAsync(2_000);
    const events = b.events();
    expect(events.find((e) => e.type === 'identify')).toMatchObject({ userId: 'member_7', traits: { plan: 'family' } });
    expect(events.find((e) => e.type === 'track' && e.event === 'Early Tap')).toMatchObject({ userId: 'member_7', properties: { n: 1 } });
    expect(seen).toEqual([b.headcount.status().sessionId]);
  });

  it('replayed calls keep the time the stub queued them, not the time the SDK loaded', async () => {
    const queuedAt = Date.now();
    const b = await load({ data: { writeKey: 'wk_1', autoPageviews: 'false' } }, (b) => {
      b.run(stub);
      b.run(`headcount.track('Early Tap')`);
      vi.advanceTimersByTime(1_500); // the SDK arrives late
    });
    await vi.advanceTimersByTimeAsync(2_000);
    const [started, early] = b.events();
    expect(early).toMatchObject({ event: 'Early Tap', timestamp: new Date(queuedAt).toISOString() });
    expect(started).toMatchObject({ event: 'Session Started', timestamp: new Date(queuedAt).toISOString() });
  });

  it('reads data-max-queue and data-storage', async () => {
    const b = await load({ data: { writeKey: 'wk_1', maxQueue: '2', storage: 'memory' } }, (b) => {
      b.win.fetch = () => Promise.reject(new TypeError('offline'));
    });
    b.headcount.track('A');
    b.headcount.track('B');
    await vi.advanceTimersByTimeAsync(0);
    // Session Started, the page view and two taps: two kept, none persisted.
    expect(b.headcount.status()).toMatchObject({ queued: 2, dropped: 2 });
    expect((b.win.localStorage as Storage).length).toBe(0);
  });

  it('kiosk: a hover or a script’s scroll starts no session; a touch does', async () => {
    const b = await load({ data: { writeKey: 'wk_1', kiosk: '' } });
    b.fire(b.win, 'pointermove');
    b.fire(b.win, 'scroll');
    await vi.advanceTimersByTimeAsync(0);
    expect(b.headcount.status().sessionId).toBeNull();
    b.fire(b.win, 'touchstart');
    await vi.advanceTimersByTimeAsync(0);
    expect(b.headcount.status().sessionId).toBeTruthy();
  });

  it('never throws into the page', async () => {
    const b = await load();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => b.run(`headcount.track(undefined); headcount.page(null, 5); headcount.identify();`)).not.toThrow();
    expect(() => b.headcount.track('Loop', circular)).not.toThrow();
    expect(() => b.headcount.endSession('bogus' as never)).not.toThrow();
    await vi.advanceTimersByTimeAsync(2_000);
    // The bad call is refused locally; everything else still flows.
    expect(b.events().some((e) => e.type === 'track' && e.event === 'Loop')).toBe(false);
    expect(b.events().length).toBeGreaterThan(2);
    // The void methods return nothing, opted out or not.
    const h = b.headcount;
    const results = [h.track('A'), h.page(), h.identify('u'), h.alias('v'), h.endSession(), h.reset(), h.optOut()];
    await vi.advanceTimersByTimeAsync(0); // no session start pending: the calls below run at once
    results.push(h.track('B'), h.page(), h.identify('w'), h.alias('x'), h.endSession(), h.startSession(), h.reset(), h.optIn());
    expect(results).toEqual(Array(15).fill(undefined));
  });

  it('records page views on pushState, replaceState and hashchange, once per URL', async () => {
    const b = await load();
    const history = b.win.history as History;
    history.pushState({}, '', '/exhibits/t-rex');
    history.replaceState({}, '', '/exhibits/t-rex'); // same URL: no new page view
    await vi.advanceTimersByTimeAsync(0);
    history.replaceState({}, '', '/exhibits/t-rex?tab=bones');
    await vi.advanceTimersByTimeAsync(0);
    history.pushState({}, '', '/exhibits/t-rex?tab=bones#skull');
    b.fire(b.win, 'hashchange');
    await vi.advanceTimersByTimeAsync(2_000);
    const paths = b.events().filter((e) => e.type === 'page').map((e) => e.context!.page!.url!.replace('https://museum.example', ''));
    expect(paths).toEqual(['/exhibits?utm_source=newsletter&utm_campaign=spring&gclid=abc', '/exhibits/t-rex', '/exhibits/t-rex?tab=bones', '/exhibits/t-rex?tab=bones#skull']);
    // The landing keeps document.referrer; each route change names the page it came from.
    const referrers = b.events().filter((e) => e.type === 'page').map((e) => e.context!.page!.referrer!.replace('https://museum.example', ''));
    expect(referrers).toEqual(['https://www.google.com/', '/exhibits?utm_source=newsletter&utm_campaign=spring&gclid=abc', '/exhibits/t-rex', '/exhibits/t-rex?tab=bones']);
  });

  it('kiosk: a session per person, started by a touch, ended after data-idle-timeout', async () => {
    const b = await load({ data: { writeKey: 'wk_1', kiosk: '', idleTimeout: '1.5', trackClicks: '' } });
    const ends: string[] = [];
    b.headcount.on('sessionend', (e) => ends.push(e.reason));
    // Nobody yet: no visitor until a person's first event (status() never creates one).
    expect(b.headcount.status()).toMatchObject({ sessionId: null, anonymousId: null });

    b.fire(b.win, 'pointerdown');
    const button = { tagName: 'BUTTON', id: 'start', textContent: '  Start\n tour ', closest: () => null };
    b.fire(b.doc, 'click', { target: button, clientX: 412.4, clientY: 96.6 });
    expect(b.headcount.status().sessionId).toBeTruthy();
    const first = b.headcount.status().anonymousId;
    expect(first).toBeTruthy();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(ends).toEqual(['idle']);
    expect(b.headcount.status().anonymousId).not.toBe(first);
    await vi.advanceTimersByTimeAsync(2_000);

    const events = b.events();
    const click = events.find((e) => e.type === 'track' && e.event === 'Element Clicked') as TrackEvent;
    expect(click.properties).toEqual({ element: 'button#start', text: 'Start tour', x: 412, y: 97 });
    const end = events.find((e) => e.type === 'track' && e.event === 'Session Ended') as TrackEvent;
    expect(end.properties).toEqual({ reason: 'idle', durationSeconds: 0 });
    expect(end.anonymousId).toBe(first);
  });

  it('sends unsent events with keepalive on pagehide', async () => {
    const b = await load();
    b.headcount.track('Leaving');
    await Promise.resolve();
    b.fire(b.win, 'pagehide');
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]!.keepalive).toBe(true);
    expect(b.requests[0]!.body.batch.map((e) => e.type)).toEqual(['track', 'page', 'track']);
  });

  it('sends when the page is hidden, and resumes at once when back online', async () => {
    const b = await load();
    b.doc.visibilityState = 'hidden';
    b.fire(b.doc, 'visibilitychange');
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]!.keepalive).toBe(true);

    b.doc.visibilityState = 'visible';
    b.fire(b.doc, 'visibilitychange');
    b.headcount.track('Offline Tap');
    await vi.advanceTimersByTimeAsync(0);
    b.fire(b.win, 'online');
    await vi.advanceTimersByTimeAsync(0);
    expect(b.requests).toHaveLength(2);
    expect(b.requests[1]!.keepalive).toBe(false);
    expect(b.requests[1]!.body.batch.map((e) => (e as TrackEvent).event)).toEqual(['Offline Tap']);
  });

  it('only the collector\'s JSON acknowledges: ok must be exactly true, accepted a number (the minified check)', async () => {
    const wrong = [{ ok: 1 }, { ok: 'true' }, { accepted: '2' }];
    let answers = 0;
    const b = await load({
      answer: (n) => (answers < wrong.length ? { ok: true, accepted: n, duplicates: 0, rejected: [], ...wrong[answers++] } : undefined),
    });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(b.headcount.status()).toMatchObject({ queued: 2, sent: 0 });
    await b.headcount.flush();
    expect(b.headcount.status()).toMatchObject({ queued: 2, sent: 0 });
    await b.headcount.flush();
    expect(b.headcount.status()).toMatchObject({ queued: 2, sent: 0 });
    await b.headcount.flush();
    expect(b.headcount.status()).toMatchObject({ queued: 0, sent: 2 });
    expect(b.requests.map((r) => r.body.batch.length)).toEqual([2, 2, 2, 2]);
  });

  it('data-respect-dnt with Do Not Track on records nothing', async () => {
    const b = await load({ data: { writeKey: 'wk_1', respectDnt: '' }, doNotTrack: '1' });
    b.headcount.track('A');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.requests).toHaveLength(0);
    expect((b.win.localStorage as Storage).getItem('hc_s')).toBeNull();
  });
});
