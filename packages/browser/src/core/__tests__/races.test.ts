// The races real browsers produce (issue 12), replayed on the core with the fake clock: tabs, unloads,
// captive portals, full queues, clocks corrected while events wait, landings from a new source.
import type { HeadcountEvent, TrackEvent } from '@headcount/schema';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DropInfo } from '../api';
import { acceptAll, advance, createWorld, named, ok, settle, type Responder } from './harness';

const START = Date.UTC(2026, 10, 22, 10, 0, 0);

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

const tracks = (events: HeadcountEvent[], name: string) => named(events, name) as TrackEvent[];
const at = (e: HeadcountEvent) => Date.parse(e.timestamp!);

describe('unload', () => {
  it('a closing tab sends its newest events first when another tab delivered its older ones', async () => {
    const w = createWorld();
    const sender = w.tab({ flushInterval: 0.1, autoPageviews: false });
    const closer = w.tab({ flushInterval: 3600, batchSize: 2500, autoPageviews: false });
    for (let i = 0; i < 150; i++) closer.core.client.track('Early', { i, note: 'x'.repeat(300) });
    await advance(200); // the sender's flush delivers the shared queue, the closer's events included
    expect(tracks(w.sentEvents(), 'Early')).toHaveLength(150);
    expect(sender.core.client.status().queued).toBe(0);

    const before = w.requests.length;
    for (let i = 0; i < 10; i++) closer.core.client.track('Last', { i });
    closer.core.unload(); // the tab closes before its queue writes land
    const unload = w.requests.slice(before).find((r) => r.keepalive)!;
    expect(tracks(unload.body.batch, 'Last').map((e) => e.properties!.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new TextEncoder().encode(JSON.stringify(unload.body)).length).toBeLessThanOrEqual(65_536);
  });
});

describe('acknowledgements', () => {
  it('a 200 that is not the collector’s JSON (captive portal, SPA fallback, proxy page) acknowledges nothing', async () => {
    const w = createWorld();
    const answers: Responder[] = [() => ({ status: 200, body: undefined }), () => ({ status: 200, body: {} }), () => ({ status: 204 })];
    let n = 0;
    w.respond((req) => (n < answers.length ? answers[n++]!(req) : acceptAll(req)));
    const { core } = w.tab({ autoPageviews: false });
    core.client.track('Tap');
    await advance(2_000);
    expect(core.client.status()).toMatchObject({ queued: 2, sent: 0 });
    await core.client.flush();
    await core.client.flush();
    expect(w.queued).toHaveLength(2); // three non-answers: still queued
    await core.client.flush();
    expect(w.queued).toHaveLength(0);
    expect(core.client.status()).toMatchObject({ sent: 2, dropped: 0 });
  });
});

describe('a full queue', () => {
  it('never reports an event in flight as dropped: the cap is applied once the batch is answered', async () => {
    const w = createWorld();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    w.respond(async (req) => {
      if (first) {
        first = false;
        await held;
      }
      return acceptAll(req);
    });
    const { core } = w.tab({ maxQueue: 5, batchSize: 5, flushInterval: 3600, autoPageviews: false });
    const drops: DropInfo[] = [];
    core.client.on('drop', (d) => drops.push(d));
    for (let i = 0; i < 4; i++) core.client.track('First', { i }); // with Session Started: a full batch, in flight
    await settle();
    expect(w.requests).toHaveLength(1);
    for (let i = 0; i < 7; i++) core.client.track('Second', { i });
    await settle();
    expect(drops).toEqual([]);
    release();
    await advance(10);
    // The collector answers: the sender goes on while it can, so nothing had to be dropped at all.
    expect(drops).toEqual([]);
    expect(tracks(w.sentEvents(), 'First')).toHaveLength(4);
    expect(tracks(w.sentEvents(), 'Second').map((e) => e.properties!.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(core.client.status()).toMatchObject({ dropped: 0, queued: 0 });
  });
});

describe('clocks', () => {
  it('an event keeps its age on the monotonic clock when the wall clock is corrected before the send', async () => {
    const w = createWorld();
    const tab = w.tab({ flushInterval: 3600, autoPageviews: false });
    tab.skewWall(-3_600_000); // booted an hour behind
    tab.core.client.track('Tap');
    await advance(500);
    tab.skewWall(3_600_000); // NTP fixes the clock
    await advance(250);
    await tab.core.client.flush();
    const [req] = w.requests;
    const tap = tracks(req!.body.batch, 'Tap')[0]!;
    // The collector stores receivedAt - (sentAt - timestamp): the real 750 ms, not an hour and 750 ms.
    expect(Date.parse(tap.sentAt!) - at(tap)).toBe(750);
    expect(req!.body.sentAt).toBe(new Date(START + 750).toISOString());
  });

  it('a session ended for idleness at the next page load is sent with its real age, the time since the last activity', async () => {
    const w = createWorld();
    const first = w.tab({ flushInterval: 3600, autoPageviews: false });
    first.core.client.track('A'); // the last activity, at START
    await first.core.client.flush();
    first.core.client.destroy();
    await advance(2 * 3_600_000);
    const next = w.tab({ flushInterval: 3600, autoPageviews: false });
    await settle();
    await next.core.client.flush();
    const req = w.requests.at(-1)!;
    const end = tracks(req.body.batch, 'Session Ended')[0]!;
    expect(at(end)).toBe(START);
    // The collector stores receivedAt - (sentAt - timestamp): two hours before it received it.
    expect(Date.parse(end.sentAt!)).toBe(req.at);
    expect(Date.parse(end.sentAt!) - at(end)).toBe(req.at - START);
  });

  it('a session ended after the wall clock was corrected keeps its age on the monotonic clock', async () => {
    const w = createWorld();
    const tab = w.tab({ flushInterval: 3600, autoPageviews: false });
    tab.core.client.track('A');
    await advance(500);
    tab.skewWall(3_600_000); // NTP moves the clock an hour on
    tab.core.client.endSession();
    await advance(1_000);
    await tab.core.client.flush();
    const end = tracks(w.requests.at(-1)!.body.batch, 'Session Ended')[0]!;
    expect(at(end)).toBe(START + 500 + 3_600_000);
    expect(Date.parse(end.sentAt!) - at(end)).toBe(1_000);
  });

  it('calls the stub queued before load keep the time they were made', async () => {
    const w = createWorld();
    const { core } = w.tab({ autoPageviews: false });
    await advance(1_500); // the SDK loads late
    core.replay(START + 200, () => core.client.track('Early'));
    core.client.track('Now');
    await settle();
    const [started, early, now] = w.queuedEvents();
    expect(started!.timestamp).toBe(new Date(START + 200).toISOString());
    expect(early!.timestamp).toBe(new Date(START + 200).toISOString());
    expect(now!.timestamp).toBe(new Date(START + 1_500).toISOString());
  });
});

describe('kiosk sessions', () => {
  it('end at or after their last event, and start at the input that started them', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 503 }));
    const { core } = w.tab({ kiosk: true, idleTimeout: 1 });
    core.input(); // pointerdown
    await advance(60);
    core.client.track('Tap'); // the app's click handler, after the input
    await advance(2_000);
    const [start] = tracks(w.queuedEvents(), 'Session Started');
    const [tap] = tracks(w.queuedEvents(), 'Tap');
    const [end] = tracks(w.queuedEvents(), 'Session Ended');
    expect(at(start!)).toBe(START);
    expect(at(tap!)).toBe(START + 60);
    expect(at(end!)).toBe(START + 60);
    expect(end!.properties).toEqual({ reason: 'idle', durationSeconds: 0.06 });
  });

  it('an input right after a session ended starts the next one, however soon', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 503 }));
    const { core } = w.tab({ kiosk: true, idleTimeout: 1 });
    core.input();
    await advance(999);
    core.input(); // thinned: within 100 ms of nothing, but the session lives on
    await advance(1_000 - 50);
    expect(tracks(w.queuedEvents(), 'Session Ended')).toHaveLength(0);
    await advance(50);
    expect(tracks(w.queuedEvents(), 'Session Ended')).toHaveLength(1);
    core.input(); // the next person, at once
    await settle();
    expect(core.client.status().sessionId).toBeTruthy();
  });
});

describe('tabs', () => {
  it('one tab going idle never ends the session another tab uses, with input under a second apart (idleTimeout 3 s)', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 503 }));
    const busy = w.tab({ idleTimeout: 3, autoPageviews: false });
    const idle = w.tab({ idleTimeout: 3, autoPageviews: false });
    busy.core.input();
    await settle();
    const id = busy.core.client.status().sessionId;
    for (const wait of [600, 2_700, 600, 2_700]) {
      await advance(wait);
      busy.core.input();
    }
    expect(tracks(w.queuedEvents(), 'Session Ended')).toEqual([]);
    expect(idle.core.client.status().sessionId).toBe(id);
    await advance(3_000);
    expect(tracks(w.queuedEvents(), 'Session Ended')).toHaveLength(1);
  });

  it('tabs that start at once (separate processes, Web Locks) share one visitor and one session', async () => {
    const w = createWorld({ processes: { locks: true } });
    w.respond(() => ({ status: 503 }));
    const tabs = [w.tab(), w.tab(), w.tab()];
    tabs.forEach((t) => t.core.autoPage()); // each tab's load records its page view at once
    await advance(10);
    const statuses = tabs.map((t) => t.core.client.status());
    expect(new Set(statuses.map((s) => s.sessionId)).size).toBe(1);
    expect(statuses[0]!.sessionId).toBeTruthy();
    const events = w.queuedEvents();
    expect(tracks(events, 'Session Started')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'page')).toHaveLength(3);
    expect(new Set(events.map((e) => `${e.context!.sessionId} ${e.anonymousId}`)).size).toBe(1);
  });

  it('tabs that start at once share one visitor and one session even when storage reaches them after the lock', async () => {
    const w = createWorld({ processes: { locks: true, storageLagMs: 50 } });
    w.respond(() => ({ status: 503 }));
    const tabs = [w.tab(), w.tab(), w.tab()];
    tabs.forEach((t) => t.core.autoPage());
    await advance(100);
    const events = w.queuedEvents();
    expect(tracks(events, 'Session Started')).toHaveLength(1);
    expect(tracks(events, 'Session Ended')).toHaveLength(0);
    expect(events.filter((e) => e.type === 'page')).toHaveLength(3);
    expect(new Set(events.map((e) => `${e.context!.sessionId} ${e.anonymousId}`)).size).toBe(1);
    expect(new Set(tabs.map((t) => t.core.client.status().anonymousId)).size).toBe(1);
  });

  it('storage: memory does not ask for the session starts other tabs announce', async () => {
    const w = createWorld({ processes: { locks: true } });
    w.respond(() => ({ status: 503 }));
    const lockNames = vi.fn(() => Promise.resolve([] as string[]));
    const memory = w.tab({ storage: 'memory' }, { lockNames });
    memory.core.autoPage();
    memory.core.client.track('x');
    await advance(10);
    expect(lockNames).not.toHaveBeenCalled();
    expect(memory.core.client.status().sessionId).toBeTruthy();
    // The same start in a tab that persists asks (what the check above would miss if the env never offered the names).
    const persisted = vi.fn(() => Promise.resolve([] as string[]));
    createWorld({ processes: { locks: true } }).tab({}, { lockNames: persisted }).core.autoPage();
    await advance(10);
    expect(persisted).toHaveBeenCalled();
  });

  it('without Web Locks, a tab that lost the start race ends its session instead of leaving it open', async () => {
    const w = createWorld({ processes: { locks: false } });
    w.respond(() => ({ status: 503 }));
    const tabs = [w.tab(), w.tab(), w.tab()];
    tabs.forEach((t) => t.core.autoPage());
    await advance(10);
    const ids = new Set(tabs.map((t) => t.core.client.status().sessionId));
    expect(ids.size).toBe(1); // they converge on the one in shared storage
    await settle();
    const events = w.queuedEvents();
    const started = tracks(events, 'Session Started').map((e) => e.context!.sessionId);
    const ended = tracks(events, 'Session Ended').map((e) => e.context!.sessionId);
    // Every session that started has ended, except the one the tabs share.
    expect(started.filter((s) => !ended.includes(s))).toEqual([...ids]);
  });
});

describe('landings', () => {
  it('a landing from a new source ends the session (reason new_source); the same source or none does not', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 503 }));
    const google = '["www.google.com",null,null]';
    const direct = w.tab();
    direct.core.autoPage();
    await settle();
    const first = direct.core.client.status().sessionId;
    await advance(60_000);

    const search = w.tab({}, { source: google });
    search.core.autoPage();
    await settle();
    const second = search.core.client.status().sessionId;
    expect(second).not.toBe(first);
    const [end] = tracks(w.queuedEvents(), 'Session Ended');
    expect(end!.context!.sessionId).toBe(first);
    expect(end!.properties).toEqual({ reason: 'new_source', durationSeconds: 0 });

    w.tab({}, { source: google }).core.autoPage(); // the same landing again
    w.tab().core.autoPage(); // an internal page
    await settle();
    expect(tracks(w.queuedEvents(), 'Session Ended')).toHaveLength(1);
    expect(search.core.client.status().sessionId).toBe(second);
  });
});
