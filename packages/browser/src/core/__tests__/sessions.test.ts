import type { TrackEvent } from '@headcount/schema';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, createWorld, named, settle } from './harness';

const START = Date.UTC(2026, 10, 22, 10, 0, 0);
const MIN = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

const ended = (w: ReturnType<typeof createWorld>) => named(w.queuedEvents(), 'Session Ended') as TrackEvent[];
const started = (w: ReturnType<typeof createWorld>) => named(w.queuedEvents(), 'Session Started') as TrackEvent[];

// Nothing reaches the collector in these tests: sends fail so the queue keeps every event to inspect.
function offlineWorld() {
  const w = createWorld();
  w.respond(() => ({ status: 503 }));
  return w;
}

describe('web sessions', () => {
  it('starts with the first event, and every event carries the session id', async () => {
    const w = offlineWorld();
    const { core } = w.tab();
    core.client.track('Opened');
    await settle();
    const [s, opened] = w.queuedEvents();
    expect(s).toMatchObject({ type: 'track', event: 'Session Started' });
    expect(opened).toMatchObject({ type: 'track', event: 'Opened' });
    const id = core.client.status().sessionId;
    expect(id).toBeTruthy();
    expect(s!.context!.sessionId).toBe(id);
    expect(opened!.context!.sessionId).toBe(id);
    expect(opened!.timestamp).toBe(new Date(START).toISOString());
  });

  it.each(['{"i":"old"}', '{"i":"old","s":"x","l":1}', '"5"', '{}', 'not json'])(
    'takes a shared session record it cannot use (%s) for none: a new session starts and ends at its idle timeout',
    async (stored) => {
      const w = offlineWorld();
      w.storage.set('hc_s', stored);
      const { core } = w.tab({ idleTimeout: 1800 });
      core.client.track('A');
      await settle();
      expect(started(w)).toHaveLength(1);
      const id = core.client.status().sessionId;
      expect(id).toBeTruthy();
      expect(id).not.toBe('old');
      // A deadline computed from missing times is NaN: its timer would fire at once, again and again.
      await advance(30 * MIN - 1);
      expect(ended(w)).toHaveLength(0);
      await advance(1);
      expect(ended(w).map((e) => e.properties)).toEqual([{ reason: 'idle', durationSeconds: 0 }]);
    },
  );

  it('ends exactly at idleTimeout, stamped at the last activity, and the next activity starts a new one', async () => {
    const w = offlineWorld();
    const { core } = w.tab({ idleTimeout: 1800 });
    const ends: unknown[] = [];
    core.client.on('sessionend', (e) => ends.push(e));
    core.client.track('A');
    await advance(10 * MIN);
    core.client.track('B'); // last activity at START + 10 min
    const first = core.client.status().sessionId;

    await advance(30 * MIN - 1);
    expect(ended(w)).toHaveLength(0);
    expect(core.client.status().sessionId).toBe(first);

    await advance(1);
    const [end] = ended(w);
    expect(end).toBeDefined();
    expect(end!.properties).toEqual({ reason: 'idle', durationSeconds: 600 });
    expect(end!.timestamp).toBe(new Date(START + 10 * MIN).toISOString());
    expect(end!.context!.sessionId).toBe(first);
    expect(ends).toEqual([{ sessionId: first, anonymousId: core.client.status().anonymousId, reason: 'idle', durationSeconds: 600 }]);
    expect(core.client.status().sessionId).toBeNull();

    const anonymousId = core.client.status().anonymousId;
    core.client.track('C');
    await settle();
    const second = core.client.status().sessionId;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect(started(w)).toHaveLength(2);
    // On the web the visitor stays the same.
    expect(core.client.status().anonymousId).toBe(anonymousId);
  });

  it('accepts fractional idle timeouts with a minimum of 1 s', async () => {
    const w = offlineWorld();
    const { core } = w.tab({ idleTimeout: 0.2 });
    core.client.track('A');
    await advance(999);
    expect(ended(w)).toHaveLength(0);
    await advance(1);
    expect(ended(w)).toHaveLength(1);

    const w2 = offlineWorld();
    const tab = w2.tab({ idleTimeout: 1.5 });
    tab.core.client.track('A');
    await advance(1499);
    expect(ended(w2)).toHaveLength(0);
    await advance(1);
    expect(ended(w2)).toHaveLength(1);
  });

  it('measures idle time on the monotonic clock: a wall-clock jump does not end the session', async () => {
    const w = offlineWorld();
    const tab = w.tab({ idleTimeout: 1800 });
    tab.core.client.track('A');
    await advance(MIN);
    tab.skewWall(5 * 60 * MIN); // NTP moves the kiosk's clock 5 hours ahead
    tab.core.client.track('B');
    await advance(29 * MIN);
    expect(ended(w)).toHaveLength(0);
    expect(named(w.queuedEvents(), 'B')[0]!.context!.sessionId).toBe(tab.core.client.status().sessionId);
  });

  it('continues across a reload while there was recent activity', async () => {
    const w = offlineWorld();
    const first = w.tab();
    first.core.client.track('A');
    await settle();
    const id = first.core.client.status().sessionId;
    first.core.client.destroy();
    await advance(10 * MIN);

    const reloaded = w.tab();
    expect(reloaded.core.client.status().sessionId).toBe(id);
    reloaded.core.client.track('B');
    await settle();
    expect(started(w)).toHaveLength(1);
    expect(named(w.queuedEvents(), 'B')[0]!.context!.sessionId).toBe(id);
  });

  it('ends a session that went idle while no tab was open, when the next page loads', async () => {
    const w = offlineWorld();
    const first = w.tab();
    first.core.client.track('A');
    await advance(5 * MIN);
    first.core.input(); // last activity at START + 5 min
    const id = first.core.client.status().sessionId;
    first.core.client.destroy();
    await advance(2 * 60 * MIN);

    w.tab();
    await settle();
    const [end] = ended(w);
    expect(end!.context!.sessionId).toBe(id);
    expect(end!.properties).toEqual({ reason: 'idle', durationSeconds: 300 });
    expect(end!.timestamp).toBe(new Date(START + 5 * MIN).toISOString());
  });

  it('caps a session at maxSessionDuration, then starts a new one on activity', async () => {
    const w = offlineWorld();
    const { core } = w.tab({ maxSessionDuration: 3600 });
    core.client.track('A');
    const first = core.client.status().sessionId;
    for (let i = 0; i < 5; i++) {
      await advance(10 * MIN);
      core.input();
    }
    await advance(10 * MIN);
    const [end] = ended(w);
    expect(end!.properties).toEqual({ reason: 'max_duration', durationSeconds: 3600 });
    expect(end!.timestamp).toBe(new Date(START + 60 * MIN).toISOString());
    core.input();
    await settle();
    expect(core.client.status().sessionId).not.toBe(first);
    expect(started(w)).toHaveLength(2);
  });

  it('startSession, endSession and reset end with their reasons; reset brings a new visitor', async () => {
    const w = offlineWorld();
    const { core } = w.tab();
    const c = core.client;
    c.identify('user_1');
    const a1 = c.status().anonymousId;
    c.startSession(); // ends the first (manual) and starts another
    c.endSession();
    expect(c.status().sessionId).toBeNull();
    c.track('X');
    c.reset();
    await settle();
    expect(ended(w).map((e) => e.properties!.reason)).toEqual(['manual', 'manual', 'reset']);
    expect(c.status().anonymousId).not.toBe(a1);
    expect(w.kv.read('hc_u')).toBeNull();
    // The reset's own Session Ended still belongs to the user who was there.
    expect(ended(w)[2]!.userId).toBe('user_1');
    c.track('Y');
    await settle();
    const y = named(w.queuedEvents(), 'Y')[0]!;
    expect(y.userId).toBeUndefined();
    expect(y.anonymousId).toBe(c.status().anonymousId);
  });
});

describe('sessions across tabs', () => {
  it('share one session, and one idle tab never ends the session another tab is using', async () => {
    const w = offlineWorld();
    const a = w.tab();
    a.core.client.track('A');
    await advance(5 * MIN);
    const b = w.tab(); // opened later: its monotonic clock starts at 0
    b.core.client.track('B');
    await settle();
    const id = a.core.client.status().sessionId;
    expect(b.core.client.status().sessionId).toBe(id);
    expect(started(w)).toHaveLength(1);

    // Tab A keeps being used every 20 min for two hours; tab B sees no input at all.
    for (let i = 0; i < 6; i++) {
      await advance(20 * MIN);
      a.core.input();
    }
    expect(ended(w)).toHaveLength(0);
    expect(b.core.client.status().sessionId).toBe(id);

    // Both go idle: the session ends once, 30 min after tab A's last input.
    const lastInput = Date.now();
    await advance(30 * MIN);
    expect(ended(w)).toHaveLength(1);
    expect(ended(w)[0]!.timestamp).toBe(new Date(lastInput).toISOString());
    expect(a.core.client.status().sessionId).toBeNull();
    expect(b.core.client.status().sessionId).toBeNull();
  });

  it('a tab adopts the session another tab started after it went idle', async () => {
    const w = offlineWorld();
    const a = w.tab();
    const b = w.tab();
    a.core.client.track('A');
    await advance(31 * MIN); // ends (both tabs idle)
    expect(ended(w)).toHaveLength(1);
    b.core.client.track('B'); // new session from tab B
    await settle();
    const id = b.core.client.status().sessionId;
    expect(a.core.client.status().sessionId).toBe(id);
    a.core.client.track('A2');
    await settle();
    expect(named(w.queuedEvents(), 'A2')[0]!.context!.sessionId).toBe(id);
    expect(started(w)).toHaveLength(2);
  });
});

describe('kiosk sessions', () => {
  it('start on the first input only, end after idleTimeout without input, and rotate the visitor', async () => {
    const w = offlineWorld();
    const { core } = w.tab({ kiosk: true });
    const c = core.client;
    const starts: unknown[] = [];
    const ends: Array<{ reason: string; anonymousId: string }> = [];
    c.on('sessionstart', (e) => starts.push(e));
    c.on('sessionend', (e) => ends.push(e));

    core.autoPage(); // page load: nobody there yet
    c.track('Attract Loop');
    await settle();
    expect(c.status().sessionId).toBeNull();
    expect(started(w)).toHaveLength(0);
    expect(w.queuedEvents().filter((e) => e.type === 'page')).toHaveLength(0);

    const visitor1 = c.status().anonymousId;
    core.input(); // first tap
    await settle();
    const s1 = c.status().sessionId;
    expect(s1).toBeTruthy();
    expect(starts).toEqual([{ sessionId: s1, anonymousId: visitor1 }]);
    // The page the person found is recorded as the session's landing page.
    await settle();
    expect(w.queuedEvents().filter((e) => e.type === 'page' && e.context?.sessionId === s1)).toHaveLength(1);

    await advance(20_000);
    core.input(); // last input at 20 s
    await advance(30_000);
    c.track('Exhibit Opened'); // tracked calls do not keep a kiosk session alive
    await advance(29_999);
    expect(ends).toHaveLength(0);
    await advance(1);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ reason: 'idle', anonymousId: visitor1 });
    // ...but the end is never stamped before the session's last event.
    expect(ended(w)[0]!.properties).toEqual({ reason: 'idle', durationSeconds: 50 });
    expect(ended(w)[0]!.timestamp).toBe(new Date(START + 50_000).toISOString());
    expect(named(w.queuedEvents(), 'Exhibit Opened')[0]!.context!.sessionId).toBe(s1);

    const visitor2 = c.status().anonymousId;
    expect(visitor2).not.toBe(visitor1);
    core.input(); // the next person
    await settle();
    const s2 = c.status().sessionId;
    expect(s2).not.toBe(s1);
    expect(started(w)[1]!.anonymousId).toBe(visitor2);
  });

  it('input keeps a kiosk session alive; startSession/endSession let a sensor drive it', async () => {
    const w = offlineWorld();
    const { core } = w.tab({ kiosk: true, idleTimeout: 60 });
    const c = core.client;
    for (let i = 0; i < 10; i++) {
      core.input();
      await advance(50_000);
    }
    expect(ended(w)).toHaveLength(0);
    const visitor = c.status().anonymousId;
    c.identify('member_7');
    c.endSession(); // the sensor saw the person leave
    expect(ended(w)).toHaveLength(0); // queue writes are async
    await settle();
    expect(ended(w)[0]!.properties!.reason).toBe('manual');
    expect(c.status().anonymousId).not.toBe(visitor);
    expect(w.kv.read('hc_u')).toBeNull();
    c.startSession(); // someone approaches
    await settle();
    expect(c.status().sessionId).toBeTruthy();
  });
});

describe('presence pings', () => {
  const pings = (w: ReturnType<typeof createWorld>) => w.queuedEvents().filter((e) => e.type === 'ping');

  it('at most every 60 s while there is input and the page is visible', async () => {
    const w = offlineWorld();
    const tab = w.tab();
    const { core } = tab;
    core.client.track('Open'); // presence at 0
    for (let t = 0; t < 300; t += 5) {
      core.input();
      await advance(5_000);
    }
    const times = pings(w).map((p) => Date.parse(p.timestamp!) - START);
    expect(times).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
    expect(pings(w).every((p) => p.context?.sessionId === core.client.status().sessionId)).toBe(true);
  });

  it('none without input since the last event, none while hidden', async () => {
    const w = offlineWorld();
    const tab = w.tab();
    tab.core.client.track('Open');
    await advance(5 * MIN);
    expect(pings(w)).toHaveLength(0);

    tab.setVisible(false);
    tab.core.input();
    await advance(3 * MIN);
    expect(pings(w)).toHaveLength(0);

    tab.setVisible(true);
    tab.core.input();
    await advance(1);
    expect(pings(w)).toHaveLength(1);
  });

  it('none when an event already reported the input', async () => {
    const w = offlineWorld();
    const { core } = w.tab();
    core.client.track('Open');
    await advance(30_000);
    core.input();
    core.client.track('Tapped'); // the input is already visible to the collector
    await advance(5 * MIN);
    expect(pings(w)).toHaveLength(0);
  });

  it('an event resets the ping clock', async () => {
    const w = offlineWorld();
    const { core } = w.tab();
    core.client.track('Open');
    await advance(50_000);
    core.input();
    core.client.track('Click'); // presence reported at 50 s
    await advance(55_000);
    expect(pings(w)).toHaveLength(0);
    core.input(); // input after the event
    await advance(10_000);
    expect(pings(w).map((p) => Date.parse(p.timestamp!) - START)).toEqual([110_000]);
  });
});
