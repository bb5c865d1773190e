/**
 * The SDK's orchestration without a DOM: builds events, writes them to the durable queue before
 * anything is sent, sends batches under the cross-tab lock, and applies the collector's verdicts.
 */
import type { EventType, HeadcountEvent, JsonObject } from '@headcount/schema';
import type { HeadcountClient, HeadcountEvents } from './api';
import { deliver } from './batcher';
import { createId } from './ids';
import type { Config } from './options';
import type { CoreEnv, Item } from './ports';
import { parseRetryAfter, retryDelay } from './retryPolicy';
import { createSessionMachine, type SessionRecord } from './sessionMachine';

/** The client plus the hooks the browser adapters drive. */
export interface Core {
  client: HeadcountClient;
  /** User input: pointer, touch, key, wheel, scroll. */
  input(): void;
  /** A page view from the router (skipped in kiosk mode while nobody is there). */
  autoPage(): void;
  /** The page is being hidden or unloaded: send this tab's unsent events now. */
  hidden(): void;
  visible(): void;
  online(): void;
}

const ANONYMOUS_ID = 'hc_a';
const USER_ID = 'hc_u';
const OPT_OUT = 'hc_o';
/** sendBeacon and fetch keepalive share a 64 KiB budget; leave room for the envelope. */
const KEEPALIVE_BYTES = 6e4;
const PING_EVERY = 6e4;
/** Events this tab keeps in memory for the unload send (the durable queue holds them all). */
const MEMORY_ITEMS = 500;
/** Batches per flush before yielding to the next interval. */
const ROUNDS = 50;

type Timer = (() => void) | 0;

const iso = (t: number) => new Date(t).toISOString();
/** UTF-8 length without TextEncoder (not in the core's ES2020 lib). */
const utf8Bytes = (s: string) => encodeURIComponent(s).replace(/%../g, '_').length;

export function createCore(env: CoreEnv, cfg: Config): Core {
  const { kv, queue, later, now, mono, log } = env;
  const subs: Record<string, Array<(info: never) => void>> = {};
  let sent = 0;
  let dropped = 0;
  let queued = 0;
  let attempt = 0;
  let flushing: Promise<void> | 0 = 0;
  let dead = false;
  let flushTimer: Timer = 0;
  let retryTimer: Timer = 0;
  let pingTimer: Timer = 0;
  let lastPresence = mono();
  let lastInput = lastPresence;
  let lastSeen = -1e9;
  /** This tab's events not yet acknowledged nor handed to an unload-safe send. */
  let mine: Item[] = [];
  /** Queue writes run one at a time so the cap counts right. */
  let writes: Promise<unknown> = Promise.resolve();

  const newId = () => createId(now(), env.random);
  const emit = <K extends keyof HeadcountEvents>(type: K, info: HeadcountEvents[K]) => {
    log(type, info);
    subs[type]?.forEach((cb) => {
      try {
        (cb as (info: HeadcountEvents[K]) => void)(info);
      } catch (e) {
        log(e);
      }
    });
  };
  /** A new visitor: kiosk sessions and reset() forget who was there. */
  const rotate = () => {
    kv.set(ANONYMOUS_ID, newId());
    kv.set(USER_ID, null);
  };
  const anonymousId = () => {
    let id = kv.get(ANONYMOUS_ID);
    if (!id) kv.set(ANONYMOUS_ID, (id = newId()));
    return id;
  };
  const off = () => {
    const o = kv.get(OPT_OUT);
    return dead || o == '1' || (o != '0' && env.dnt);
  };

  const drop = (item: Item, reason: string, message?: string) => {
    dropped++;
    forget([item.k]);
    emit('drop', { reason, message, event: item.e });
  };
  const forget = (keys: string[]) => (mine = mine.filter((i) => !keys.includes(i.k)));

  const record = (type: EventType, fields: JsonObject, s?: SessionRecord, at = now(), messageId?: string) => {
    if (off()) return;
    const k = newId();
    // A JSON snapshot: later changes to the caller's objects do not reach the queue; unserializable input throws here.
    const e: HeadcountEvent = JSON.parse(
      JSON.stringify({
        type,
        messageId: messageId || k,
        anonymousId: anonymousId(),
        userId: kv.get(USER_ID) || undefined,
        timestamp: iso(at),
        context: { ...env.context(), ...s?.a, sessionId: s?.i },
        ...fields,
      }),
    );
    const item = { k, e };
    lastPresence = mono();
    if (mine.push(item) > MEMORY_ITEMS) mine.shift();
    writes = writes
      .then(async () => {
        // Write before send: a flush only ever reads from the queue.
        await queue.put(item).catch(log);
        let n = await queue.size();
        if (n > cfg.maxQueue) {
          const old = await queue.head(n - cfg.maxQueue);
          await queue.del(old.map((i) => i.k));
          old.forEach((i) => drop(i, 'queue_full'));
          n -= old.length;
        }
        queued = n;
        // The timer also covers a full batch that arrives while a flush is already running.
        soon();
        if (n >= cfg.batchSize) flush();
      })
      .catch(log);
  };

  const soon = () => {
    flushTimer ||= later(() => {
      flushTimer = 0;
      flush();
    }, cfg.flushInterval);
  };

  /** Sends one batch and applies the verdict; false when the rest must wait for a retry. */
  const ship = async (items: Item[], keepalive?: boolean) => {
    const o = await deliver(
      items,
      (part) => env.send(JSON.stringify({ batch: part.map((i) => i.e), sentAt: iso(now()), writeKey: cfg.writeKey }), keepalive),
      (header) => parseRetryAfter(header, now()),
    );
    const done = o.acked.concat(o.dropped.map((d) => d[0])).map((i) => i.k);
    if (done.length) {
      forget(done);
      // An unload send can be answered before its events were written: delete after the writes.
      await writes;
      // Delete only what the collector acknowledged or refused for good.
      await queue.del(done).catch(log);
      queued = await queue.size().catch(() => queued);
    }
    o.dropped.forEach((d) => drop(...d));
    sent += o.acked.length;
    if (o.acked.length) emit('send', { events: o.acked.map((i) => i.e), accepted: o.accepted, duplicates: o.duplicates });
    if (o.retry == null) return !(attempt = 0);
    retryTimer ||= later(() => {
      retryTimer = 0;
      flush();
    }, retryDelay(attempt++, env.random(), o.retry));
    return false;
  };

  /** One flush at a time per tab: callers share the one in progress. Never rejects. */
  const flush = (): Promise<void> =>
    flushing ||
    (retryTimer || off()
      ? Promise.resolve()
      : (flushing = env
          // Never rejects, so a lock adapter may fall back to running it unlocked.
          .lock(async () => {
            try {
              for (let round = 0; round < ROUNDS && !retryTimer && !dead; round++) {
                const items = await queue.head(cfg.batchSize);
                if (!items.length || !(await ship(items)) || items.length < cfg.batchSize) return;
              }
              // Stopped after many full batches: continue on the next interval.
              soon();
            } catch (e) {
              log(e);
            }
          })
          .catch(log)
          .then(() => {
            flushing = 0;
          })));

  const session = createSessionMachine(
    env,
    { kiosk: cfg.kiosk, idle: cfg.idle, maxDuration: cfg.maxDuration, newId },
    {
      started(s) {
        record('track', { event: 'Session Started' }, s);
        // Kiosk: the page a person finds is the session's landing page.
        if (cfg.kiosk && cfg.autoPageviews) record('page', {}, s);
        emit('sessionstart', { sessionId: s.i, anonymousId: anonymousId() });
      },
      ended(s, reason, at) {
        const durationSeconds = Math.max(0, at - s.s) / 1e3;
        const visitor = anonymousId();
        // A fixed messageId: two tabs ending the same session are stored once.
        record('track', { event: 'Session Ended', properties: { reason, durationSeconds } }, s, at, s.i + '-end');
        if (cfg.kiosk || reason == 'reset') rotate();
        emit('sessionend', { sessionId: s.i, anonymousId: visitor, reason, durationSeconds });
      },
    },
  );

  const call = (type: EventType, fields: JsonObject) => off() || record(type, fields, session.touch(false));

  /** Presence: at most every 60 s, only when there was input after the last event, only while visible. */
  const ping = () => {
    pingTimer = 0;
    if (lastInput > lastPresence) {
      const wait = lastPresence + PING_EVERY - mono();
      if (wait > 0) pingTimer = later(ping, wait);
      else if (env.visible()) {
        const s = session.check();
        s && record('ping', {}, s);
      }
    }
  };

  const client: HeadcountClient = {
    track: (event, properties) => call('track', { event, properties }),
    page: (name, properties) => call('page', { name, properties }),
    identify(userId, traits) {
      off() || (userId && kv.set(USER_ID, String(userId)), call('identify', { traits }));
    },
    alias(userId) {
      if (off()) return;
      const previousId = kv.get(USER_ID) || anonymousId();
      kv.set(USER_ID, String(userId));
      call('alias', { previousId });
    },
    reset() {
      session.end('reset') || rotate();
    },
    startSession() {
      off() || session.start();
    },
    endSession(reason = 'manual') {
      session.end(reason);
    },
    flush() {
      retryTimer && retryTimer();
      retryTimer = 0;
      return flush();
    },
    optOut: () => kv.set(OPT_OUT, '1'),
    optIn() {
      kv.set(OPT_OUT, '0');
      soon();
    },
    on(type, cb) {
      (subs[type] ||= []).push(cb);
      return () => {
        subs[type] = subs[type]!.filter((f) => f !== cb);
      };
    },
    status: () => ({
      sessionId: (!dead && session.check()?.i) || null,
      anonymousId: anonymousId(),
      queued,
      sent,
      dropped,
      online: env.online(),
    }),
    destroy() {
      dead = true;
      session.stop();
      [flushTimer, retryTimer, pingTimer].forEach((t) => t && t());
    },
  };

  session.check();
  // Events left by earlier pages (or other tabs) go out on the first interval.
  queue.size().then((n) => (queued = n), log);
  soon();

  return {
    client,
    input() {
      const t = mono();
      // Pointer moves and scrolls come in storms; a tenth of a second is plenty for idle timing.
      if (t - lastSeen < 100 || off()) return;
      lastSeen = t;
      if (session.touch(true)) {
        lastInput = t;
        pingTimer ||= later(ping, 0);
      }
    },
    autoPage() {
      (!cfg.kiosk || session.check()) && client.page();
    },
    hidden() {
      if (off()) return;
      let size = 0;
      const items = mine.filter((i) => (size += utf8Bytes(JSON.stringify(i.e)) + 1) < KEEPALIVE_BYTES);
      forget(items.map((i) => i.k));
      items.length && ship(items, true).catch(log);
    },
    visible() {
      session.check();
      soon();
    },
    online() {
      retryTimer && retryTimer();
      retryTimer = 0;
      attempt = 0;
      flush();
    },
  };
}
