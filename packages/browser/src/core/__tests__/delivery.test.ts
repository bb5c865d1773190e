import type { DropInfo } from '../api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acceptAll, advance, createWorld, ok, settle, type Answer, type SentRequest } from './harness';

const START = Date.UTC(2026, 10, 22, 10, 0, 0);

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Track events named in order, ignoring session lifecycle events. */
const names = (events: Array<{ type: string; event?: string }>) =>
  events.filter((e) => e.type === 'track' && !e.event!.startsWith('Session ')).map((e) => e.event);

describe('write before send, delete after ack', () => {
  it('the queue holds every event before the transport is called', async () => {
    const w = createWorld();
    const { core } = w.tab({ batchSize: 4 });
    core.client.track('A');
    core.client.track('B');
    await settle();
    expect(w.requests).toHaveLength(0);
    expect(w.queued).toHaveLength(3); // Session Started, A, B
    core.client.track('C'); // four events: a full batch goes at once
    await settle();
    expect(w.requests.length).toBeGreaterThan(0);
    for (const req of w.requests) {
      for (const e of req.body.batch) expect(req.queuedKeys).toContain(e.messageId);
    }
  });

  it('sends the request envelope with writeKey and a per-request sentAt', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 503 }));
    const { core } = w.tab();
    core.client.track('A');
    await advance(2_000); // flushInterval
    w.respond(acceptAll);
    await advance(10_000); // the retry, later than the call
    const [first, second] = w.requests as [SentRequest, SentRequest];
    expect(first.body.writeKey).toBe('wk_test');
    expect(first.body.sentAt).toBe(new Date(first.at).toISOString());
    expect(second.body.sentAt).toBe(new Date(second.at).toISOString());
    expect(second.body.sentAt).not.toBe(first.body.sentAt);
    // The event keeps the time of the call.
    expect(second.body.batch[1]!.timestamp).toBe(new Date(START).toISOString());
    expect(second.body.batch[1]!.messageId).toBeTruthy();
  });

  it('never re-sends what the collector acknowledged', async () => {
    const w = createWorld();
    const { core } = w.tab({ batchSize: 5 });
    for (let i = 0; i < 12; i++) core.client.track(`E${i}`);
    await advance(2_000);
    core.client.track('Late');
    await advance(2_000);
    await core.client.flush();
    const ids = w.sentEvents().map((e) => e.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(names(w.sentEvents())).toEqual([...Array.from({ length: 12 }, (_, i) => `E${i}`), 'Late']);
    expect(w.queued).toHaveLength(0);
    expect(core.client.status()).toMatchObject({ queued: 0, sent: 14, dropped: 0 });
  });

  it('flushes a partial batch after flushInterval', async () => {
    const w = createWorld();
    const { core } = w.tab({ flushInterval: 5 });
    core.client.track('A');
    await advance(4_999);
    expect(w.requests).toHaveLength(0);
    await advance(1);
    expect(w.requests).toHaveLength(1);
  });

  it('reports each send', async () => {
    const w = createWorld();
    w.respond((req) => ({ status: 200, body: { ok: true, accepted: 1, duplicates: req.body.batch.length - 1, rejected: [] } }));
    const { core } = w.tab();
    const sends: unknown[] = [];
    core.client.on('send', (s) => sends.push(s));
    core.client.track('A');
    await advance(2_000);
    // The wire adds each event's sentAt (its age); the callback reports the events as recorded.
    const wire = w.requests[0]!.body.batch.map(({ sentAt: _, ...e }) => e);
    expect(sends).toEqual([{ events: wire, accepted: 1, duplicates: 1 }]);
  });
});

describe('verdicts', () => {
  it('drops only the events the collector rejects, keeping their neighbours', async () => {
    const w = createWorld();
    w.respond((req) => {
      const bad = req.body.batch.findIndex((e) => e.type === 'track' && e.event === 'Bad');
      return {
        status: 200,
        body: ok(req.body.batch.length - 1, [
          { index: bad, messageId: req.body.batch[bad]!.messageId!, error: { code: 'invalid_field', message: 'properties must be an object' } },
        ]),
      };
    });
    const { core } = w.tab();
    const drops: DropInfo[] = [];
    core.client.on('drop', (d) => drops.push(d));
    core.client.track('Before');
    core.client.track('Bad');
    core.client.track('After');
    await advance(2_000);
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ reason: 'invalid_field', message: 'properties must be an object', event: { event: 'Bad' } });
    expect(w.queued).toHaveLength(0);
    expect(core.client.status()).toMatchObject({ sent: 3, dropped: 1 });
    await core.client.flush();
    expect(w.requests).toHaveLength(1);
  });

  it('413: splits the batch in half until each part fits', async () => {
    const w = createWorld();
    w.respond((req) => (req.body.batch.length > 3 ? { status: 413 } : acceptAll(req)));
    const { core } = w.tab({ batchSize: 10 });
    for (let i = 0; i < 9; i++) core.client.track(`E${i}`);
    await settle();
    await advance(2_000);
    expect(w.requests.map((r) => r.body.batch.length)).toEqual([10, 5, 2, 3, 5, 2, 3]);
    const stored = w.requests.filter((r) => r.body.batch.length <= 3).flatMap((r) => r.body.batch);
    expect(names(stored)).toEqual(Array.from({ length: 9 }, (_, i) => `E${i}`));
    expect(w.queued).toHaveLength(0);
    expect(core.client.status().dropped).toBe(0);
  });

  it('413 on a single event drops it; 400 isolates and drops the one bad event', async () => {
    const w = createWorld();
    const poison = (req: SentRequest) => req.body.batch.some((e) => e.type === 'track' && e.event === 'Huge');
    w.respond((req) => (poison(req) ? { status: 413, body: { error: { code: 'payload_too_large', message: 'too big' } } } : acceptAll(req)));
    const { core } = w.tab({ batchSize: 4 });
    const drops: DropInfo[] = [];
    core.client.on('drop', (d) => drops.push(d));
    core.client.track('A');
    core.client.track('Huge');
    core.client.track('B');
    await advance(2_000);
    expect(drops.map((d) => [d.reason, d.message, (d.event as { event?: string }).event])).toEqual([['payload_too_large', 'too big', 'Huge']]);
    expect(names(w.sentEvents().filter((e, i, all) => all.findIndex((x) => x.messageId === e.messageId) === i))).toEqual(['A', 'Huge', 'B']);
    expect(w.queued).toHaveLength(0);

    w.respond((req) => (req.body.batch.some((e) => e.type === 'track' && e.event === 'Broken') ? { status: 400, body: { error: { code: 'invalid_body', message: 'nope' } } } : acceptAll(req)));
    core.client.track('C');
    core.client.track('Broken');
    await advance(2_000);
    expect(drops[1]).toMatchObject({ reason: 'invalid_body', event: { event: 'Broken' } });
    expect(w.queued).toHaveLength(0);
    expect(core.client.status()).toMatchObject({ dropped: 2 });
  });

  it('401 keeps the events and retries', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 401, body: { error: { code: 'invalid_write_key', message: 'x' } } }));
    const { core } = w.tab();
    core.client.track('A');
    await advance(2_000);
    expect(w.queued).toHaveLength(2);
    w.respond(acceptAll);
    await advance(1_000);
    expect(w.requests).toHaveLength(2);
    expect(w.queued).toHaveLength(0);
  });
});

describe('retries', () => {
  it('back off exponentially from 1 s to 5 min (full jitter drawn at its ceiling)', async () => {
    const w = createWorld();
    w.setRandom(() => 0.999999);
    w.respond(() => ({ status: 503 }));
    const { core } = w.tab();
    core.client.track('A');
    await advance(2_000);
    await advance(2 * 60 * 60_000);
    const gaps = w.requests.slice(1).map((r, i) => Math.round((r.at - w.requests[i]!.at) / 1000));
    expect(gaps.slice(0, 12)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
  });

  it('draw the delay uniformly below the ceiling, never under 1 s', async () => {
    const w = createWorld();
    w.setRandom(() => 0.25);
    w.respond(() => Promise.reject(new TypeError('Failed to fetch')));
    const { core } = w.tab();
    core.client.track('A');
    await advance(2_000);
    await advance(20 * 60_000);
    const gaps = w.requests.slice(1).map((r, i) => (r.at - w.requests[i]!.at) / 1000);
    // ceilings 1, 2, 4, 8, 16, 32, 64, ... s; a quarter of each, floored at 1 s
    expect(gaps.slice(0, 8)).toEqual([1, 1, 1, 2, 4, 8, 16, 32]);
  });

  it('honour Retry-After (seconds or HTTP date)', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 429, retryAfter: '30' }));
    const { core } = w.tab();
    core.client.track('A');
    await advance(2_000);
    const until = new Date(Date.now() + 30_000 + 45_000).toUTCString(); // 45 s after the next attempt
    w.respond(() => ({ status: 503, retryAfter: until }));
    await advance(29_999);
    expect(w.requests).toHaveLength(1);
    await advance(1);
    expect(w.requests).toHaveLength(2);
    w.respond(acceptAll);
    await advance(44_000);
    expect(w.requests).toHaveLength(2);
    await advance(1_000);
    expect(w.requests).toHaveLength(3);
    expect(w.queued).toHaveLength(0);
  });

  it('resume at once when the browser comes back online', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 503 }));
    const { core } = w.tab();
    for (let i = 0; i < 3; i++) core.client.track('A');
    await advance(2_000);
    await advance(60_000);
    const before = w.requests.length;
    w.respond(acceptAll);
    core.reconnect();
    await settle();
    expect(w.requests).toHaveLength(before + 1);
    expect(w.queued).toHaveLength(0);
  });

  it('flush() sends now even while backing off', async () => {
    const w = createWorld();
    w.respond(() => ({ status: 503, retryAfter: '600' }));
    const { core } = w.tab();
    core.client.track('A');
    await advance(2_000);
    w.respond(acceptAll);
    await core.client.flush();
    expect(w.requests).toHaveLength(2);
    expect(w.queued).toHaveLength(0);
  });
});

describe('queue cap', () => {
  it('drops the oldest events beyond maxQueue and counts them', async () => {
    const w = createWorld();
    w.respond(() => Promise.reject(new TypeError('offline')));
    const { core } = w.tab({ maxQueue: 5 });
    const drops: DropInfo[] = [];
    core.client.on('drop', (d) => drops.push(d));
    for (let i = 0; i < 8; i++) core.client.track(`E${i}`);
    await settle();
    expect(w.queued).toHaveLength(5);
    expect(names(w.queuedEvents())).toEqual(['E3', 'E4', 'E5', 'E6', 'E7']);
    expect(drops.map((d) => [d.reason, (d.event as { event: string }).event])).toEqual([
      ['queue_full', 'Session Started'],
      ['queue_full', 'E0'],
      ['queue_full', 'E1'],
      ['queue_full', 'E2'],
    ]);
    expect(core.client.status()).toMatchObject({ queued: 5, dropped: 4 });
  });

  it('never drops an event an unload send has in flight: the next oldest go instead', async () => {
    const w = createWorld();
    let answerUnload: (() => void) | undefined;
    // Regular sends fail (offline); the unload send hangs until answered, then is acknowledged.
    w.respond((req) =>
      req.keepalive
        ? new Promise((resolve) => (answerUnload = () => resolve(acceptAll(req) as Answer)))
        : Promise.reject(new TypeError('offline')),
    );
    const { core } = w.tab({ maxQueue: 5 });
    const drops: DropInfo[] = [];
    core.client.on('drop', (d) => drops.push(d));
    core.client.track('E0');
    core.client.track('E1');
    await settle();
    core.unload(); // Session Started, E0, E1 go out and stay queued until acknowledged
    await settle();
    expect(answerUnload).toBeDefined();
    for (let i = 2; i < 8; i++) core.client.track(`E${i}`);
    await settle();
    // Nine queued, four over the cap: the oldest not in flight are dropped.
    expect(drops.map((d) => (d.event as { event: string }).event)).toEqual(['E2', 'E3', 'E4', 'E5']);
    answerUnload!();
    await settle();
    expect(names(w.queuedEvents())).toEqual(['E6', 'E7']);
    expect(core.client.status()).toMatchObject({ sent: 3, dropped: 4 });
  });
});

describe('unload', () => {
  it('sends this tab’s unsent events with keepalive when hidden, once', async () => {
    const w = createWorld();
    const { core } = w.tab();
    core.client.track('Opened');
    await advance(2_000); // the session has started and its first events are delivered
    core.client.track('A');
    core.client.track('B');
    core.unload(); // before the queue write even finished
    core.unload(); // pagehide after visibilitychange: nothing twice
    await settle();
    expect(w.requests).toHaveLength(2);
    expect(w.requests[1]!.keepalive).toBe(true);
    expect(names(w.requests[1]!.body.batch)).toEqual(['A', 'B']);
    expect(w.queued).toHaveLength(0);
  });

  it('keeps an unload send within the 64 KiB keepalive budget', async () => {
    const w = createWorld();
    w.respond(() => undefined); // went by sendBeacon: no answer
    const { core } = w.tab({ batchSize: 100 });
    for (let i = 0; i < 20; i++) core.client.track(`E${i}`, { blob: 'é'.repeat(2000) });
    await settle();
    core.unload();
    await settle();
    const body = JSON.stringify(w.requests[0]!.body);
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(65_536);
    expect(w.requests[0]!.body.batch.length).toBeGreaterThan(5);
    // No verdict from a beacon: everything stays queued for the next send (the collector dedupes).
    expect(w.queued).toHaveLength(21);
  });
});

describe('privacy and robustness', () => {
  it('optOut persists across reloads and records nothing; optIn resumes', async () => {
    const w = createWorld();
    const first = w.tab();
    first.core.client.optOut();
    first.core.client.track('A');
    first.core.input();
    const reloaded = w.tab();
    reloaded.core.client.track('B');
    await advance(5_000);
    expect(w.queued).toHaveLength(0);
    expect(w.requests).toHaveLength(0);
    reloaded.core.client.optIn();
    reloaded.core.client.track('C');
    await advance(5_000);
    expect(names(w.sentEvents())).toEqual(['C']);
  });

  it('honours Do Not Track when asked, unless the visitor opts in', async () => {
    const w = createWorld();
    const { core } = w.tab({}, { dnt: true });
    core.client.track('A');
    await advance(5_000);
    expect(w.queued).toHaveLength(0);
    core.client.optIn();
    core.client.track('B');
    await advance(5_000);
    expect(names(w.sentEvents())).toEqual(['B']);
  });

  it('a throwing callback does not stop the SDK', async () => {
    const w = createWorld();
    const { core } = w.tab();
    core.client.on('sessionstart', () => {
      throw new Error('host bug');
    });
    expect(() => core.client.track('A')).not.toThrow();
    await advance(2_000);
    expect(names(w.sentEvents())).toEqual(['A']);
  });

  it('on() returns an unsubscribe', async () => {
    const w = createWorld();
    const { core } = w.tab();
    const seen: string[] = [];
    const off = core.client.on('sessionstart', (s) => seen.push(s.sessionId));
    core.client.track('A');
    await settle();
    off();
    core.client.startSession();
    await settle();
    expect(seen).toHaveLength(1);
  });

  it('identify and alias carry the user; two tabs never send the same event', async () => {
    const w = createWorld();
    const a = w.tab();
    const b = w.tab();
    a.core.client.identify('u1', { plan: 'pro' });
    b.core.client.alias('u2');
    for (let i = 0; i < 5; i++) {
      a.core.client.track(`A${i}`);
      b.core.client.track(`B${i}`);
    }
    await settle();
    await Promise.all([a.core.client.flush(), b.core.client.flush()]);
    await advance(2_000);
    const sent = w.sentEvents();
    const ids = sent.map((e) => e.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sent.find((e) => e.type === 'identify')).toMatchObject({ userId: 'u1', traits: { plan: 'pro' } });
    expect(sent.find((e) => e.type === 'alias')).toMatchObject({ userId: 'u2', previousId: 'u1' });
    expect(sent.filter((e) => e.type === 'track' && e.event === 'B4')[0]!.userId).toBe('u2');
  });
});
