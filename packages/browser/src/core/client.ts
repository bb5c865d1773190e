/**
 * The SDK's orchestration without a DOM: builds events, writes them to the durable queue before
 * anything is sent, sends batches under the cross-tab lock, and applies the collector's verdicts.
 */
import type { ErrorResponse, EventType, HeadcountEvent, IngestResponse, JsonObject } from '@headcount/schema';
import type { EndReason, HeadcountClient, HeadcountEvents } from './api';
import type { Config } from './options';
import type { CoreEnv, Item, Reply } from './ports';
import { parseRetryAfter, retryDelay } from './retryPolicy';
import type { Current, Live, SessionRecord } from './session';

/** The client plus the hooks the browser adapters drive. */
export interface Core {
  client: HeadcountClient;
  /** User input: pointer, touch, key, wheel, scroll. */
  input(): void;
  /** A page view from the router (skipped in kiosk mode while nobody is there). */
  autoPage(): void;
  /** The page is being unloaded: send this tab's unsent events now. */
  unload(): void;
  /** The page became visible (check the session, flush soon) or hidden (as `unload`). */
  visibility(): void;
  reconnect(): void;
  /** Runs `fn` as if its calls were made at wall-clock time `t` (calls the script tag's stub queued). */
  replay(t: number | undefined, fn: () => void): void;
  /** What `destroy()` also stops (the adapters' listeners); falsy entries are skipped. */
  stops: Array<Timer | false>;
}

// Keys of the key-value state, written as literals (gzip matches each with the others, a name it cannot): 'hc_s' the
// shared session record, 'hc_a' the visitor's anonymousId, 'hc_u' the user id, 'hc_o' the opt-out ('1' out, '0' in).
/** sendBeacon and fetch keepalive share a 64 KiB budget; leave room for the envelope and each event's sentAt. */
const KEEPALIVE_BYTES = 6e4;
const SENT_AT_BYTES = 40;
const PING_EVERY = 6e4;
/** Events this tab keeps in memory for the unload send (the durable queue holds them all). */
const MEMORY_ITEMS = 500;
/** Batches per flush before yielding to the next interval. */
const ROUNDS = 50;

type Timer = (() => void) | 0;

const iso = (t: number) => new Date(t).toISOString();
/** Orders ids made in the same millisecond (shared by every client of the page). */
let seq = 0;

export function createCore(env: CoreEnv, cfg: Config): Core {
  const { kv: { read: get, write: set }, later, clock: now, say: log, mono, lock } = env;
  // The closure's state, then its functions (none runs before all are declared), each group in the order that
  // measured smallest gzipped, like the members taken from `env` above and those of the object returned at the end.
  // Promises, flags and timers start undefined (no initializer to ship): falsy, like the 0 they are reset to.
  /** This tab's events not yet acknowledged nor handed to an unload-safe send. */
  let mine: Item[] = [];
  let attempt = 0;
  let dropped = 0;
  let flushTimer: Timer | undefined;
  /**
   * Keys of the events an unload send has in flight (it runs outside the sender lock): the cap never drops them. Each
   * leaves once its send is answered and what was acknowledged is deleted from the queue, so a cap reading the queue
   * meanwhile never takes an acknowledged event for an unsent one. A sendBeacon has no answer: its events leave at once.
   */
  let flying: string[] = [];
  /** Last activity known to this tab on the wall clock (for stamps: never before the session's last event). */
  let lastWall = 0;
  /** The last queue write, 0 before any: Promise.resolve and await take it as done (shorter than a resolved promise). */
  let writes: Promise<unknown> | 0 = 0;
  const stops: Core['stops'] = [];
  let retryTimer: Timer | undefined;
  let sent = 0;
  /** Monotonic time of the last input handled (none yet: long ago, so the first is never thinned). */
  let lastInput = -1e9;
  let lastPresence = mono();
  let pingTimer: Timer | undefined;
  /** Cancels the session's timer; never 0 (set from `cur && later(...)`), so `?.()` calls it. */
  let sessionTimer: (() => void) | null | undefined;
  /** Sessions this tab saw end: an announcement of one of them may outlive it by a moment. */
  const gone: string[] = [];
  /** Events waiting for the next queue write; writes run one at a time, each takes all that wait. */
  const pending: Item[] = [];
  // Sessions. The current session lives in shared storage so every tab of the origin uses the same one;
  // idle time is measured per tab on the monotonic clock, every activity is written to the shared record,
  // and a tab re-reads it before ending anything, so one idle tab never ends a session another uses.
  // Starting is atomic across tabs: under the `s` lock a tab adopts the session another tab just
  // started instead of starting its own.
  let cur: Current;
  /** Releases the lock that announces the session this tab started (see begin); a no-op once released. */
  let unannounce: (() => void) | undefined;
  /** The wall clock's offset from the monotonic clock, as wall() last took it. */
  let offset = 0;
  /** Last activity known to this tab on the monotonic clock (for idle; set whenever `cur` is). */
  let lastMono: number;
  let dead: boolean | undefined;
  let queued = 0;
  /**
   * Of each event this page recorded, the wall clock's offset from the monotonic clock when it was
   * recorded: its sentAt is that plus the monotonic time of the send, so its age survives a wall-clock correction.
   */
  let born: Record<string, number> = {};
  /** This page's external landing source, which a live session from another source ends for (never in kiosk mode). */
  const src = cfg.isKiosk ? '' : env.source;
  let starting: Promise<Current> | 0 | undefined;
  /** Monotonic time of the replayed call being made, if any: a call's time is `callAt ?? mono()`. */
  let callAt: number | undefined;
  let flushing: Promise<void> | 0 | undefined;
  const subs: Record<string, Array<(info: never) => void>> = {};

  const soon = () =>
    (flushTimer ||= later(() => {
      flushTimer = 0;
      flush();
    }, cfg.interval));
  /**
   * Deletes acknowledged or dropped events: forgotten here (not sent again at unload, no sentAt kept), then from
   * the queue once the writes in progress are done (an unload send can be answered before its events were written).
   */
  const remove = async (keys: string[]) => {
    mine = mine.filter((i) => !keys.includes(i.k));
    keys.forEach((k) => delete born[k]);
    await writes;
    await write([], keys);
  };

  /**
   * A unique id that sorts by creation time: the queue's key (oldest first), the messageId, session and
   * visitor ids. The time part keeps the queue in order across tabs; ~80 random bits make collisions negligible.
   */
  const newId = () =>
    (now() * 1e3 + (seq++ % 1e3)).toString(36) +
    '-' +
    env.rand().toString(36).slice(2, 10) +
    env.rand().toString(36).slice(2, 10);
  /** A queue write; `queued` from its answer (a failed write keeps the last count). */
  const write = (items: Item[], keys: string[]) => env.queue.write(items, keys).then((n) => (queued = n), log);
  /** Wall-clock time of monotonic instant `m`; the offset follows the clock's moves, not Date.now's rounding. */
  const wall = (m: number) => {
    const o = now() - mono();
    if (Math.abs(o - offset) > 1) offset = o;
    return offset + m;
  };
  /**
   * Client calls wait, in order and keeping their time, while a session start is being decided across
   * tabs; one that finds another start pending when its turn comes (a startSession() before it) waits again.
   */
  const serial = <A extends unknown[]>(fn: (...args: A) => unknown) => {
    // Returns nothing whatever `fn` returns, so each method's body can be one expression.
    const wrapped = (...args: A): void => {
      const m = callAt ?? mono();
      starting ? starting.then(() => run(m, () => wrapped(...args))) : fn(...args);
    };
    return wrapped;
  };

  /**
   * Sends one batch and applies the collector's verdict on each event: acknowledged (stored or duplicate:
   * deleted from the queue), refused for good (deleted and reported through `drop`), or left for a retry.
   * A 400 or 413 on a multi-event request is split in half and each half sent, so one bad or huge event
   * never takes its neighbours down. When the rest must wait, a retry is scheduled.
   */
  const ship = async (items: Item[], keepalive?: boolean) => {
    /** Keys of the events acknowledged or refused for good: deleted from the queue once all is answered. */
    const done: string[] = [];
    /** The ms the collector asked to wait (`Retry-After`, else 0) when the rest must wait. */
    let retry: number | undefined;
    const post = async (part: Item[]): Promise<unknown> => {
      // A network failure is a failure without Retry-After.
      const reply = await env
        .send(
          JSON.stringify({
            // Events this page recorded carry their own sentAt, their age on the monotonic clock.
            batch: part.map(({ k, e }) => (k in born ? { ...e, sentAt: iso(born[k]! + mono()) } : e)),
            sentAt: iso(now()),
            writeKey: cfg.writeKey,
          }),
          keepalive,
        )
        .catch((): Reply => [0]);
      // Went by sendBeacon: no verdict; the events stay queued and the collector dedupes a resend.
      if (!reply) return;
      const [status, answer, retryAfter] = reply as [number, Partial<IngestResponse & ErrorResponse>?, string?];
      // Only the collector's JSON acknowledges: a captive portal, a proxy page or an SPA's index.html answered with 200 is a
      // failure. `ok` must be exactly true: !!answer is true wherever ok can be read, and no literal the minifier turns into 1.
      // `accepted` must be a number: only a number equals its own conversion (JSON has no NaN).
      if (status < 300 && answer?.ok === !!answer && answer.accepted === +answer.accepted!) {
        const events: HeadcountEvent[] = [];
        part.forEach(({ k, e }, i) => {
          const r = answer.rejected?.find((x) => x.index === i);
          done.push(k);
          r ? drop(e, r.error) : events.push(e);
        });
        sent += events.length;
        events[0] && emit('send', { events, accepted: answer.accepted, duplicates: answer.duplicates! });
      } else if (status == 413 || (status == 400 && answer?.error?.code)) {
        // A 400 is the collector's verdict only with its error code (another 400 is retried like any
        // failure); a 413 means too large whoever answered it.
        if (part[1]) {
          const half = part.length >> 1;
          await post(part.slice(0, half));
          retry ?? (await post(part.slice(half)));
        } else {
          done.push(part[0]!.k);
          drop(part[0]!.e, { code: 'payload_too_large', ...answer?.error });
        }
      } else {
        retry = parseRetryAfter(retryAfter, now());
      }
    };
    await post(items);
    // Delete only what the collector acknowledged or refused for good.
    done[0] && (await remove(done));
    if (retry == null) attempt = 0;
    else
      retryTimer ||= later(() => {
        retryTimer = 0;
        flush();
      }, retryDelay(attempt++, env.rand(), retry));
  };
  /** The visitor's anonymousId, created when there is none; adopts `id` (another tab's, decided with the session) when given. */
  const anonymousId = (id?: string | null) => {
    const stored = get('hc_a');
    id ||= stored || newId();
    // Written only on a change: a tab must not write back an id another tab has just replaced.
    if (id != stored) set('hc_a', id);
    return id;
  };

  /**
   * One flush at a time per tab: callers share the one in progress. Never rejects. Under the sender
   * lock it first drops the oldest events beyond `maxQueue` (no batch is in flight then), then sends
   * unless a retry is pending.
   */
  const flush = (): Promise<void> =>
    flushing ||
    (flushing =
      // Never rejects, so a lock adapter may fall back to running it unlocked.
      lock('q', async () => {
        try {
          if (off()) return;
          // How far the queue is over the cap: its size (also for status(); 0 if the store failed: nothing to cap)
          // minus maxQueue, computed once for both of its uses.
          const over = ((await write([], [])) || 0) - cfg.cap;
          if (over > 0) {
            // An unload send's events may be stored any moment: the oldest others go instead.
            const old = (await env.queue.head(over + flying.length)).filter((i) => !flying.includes(i.k)).slice(0, over);
            await remove(old.map((i) => i.k));
            old.forEach((i) => drop(i.e, { code: 'queue_full' }));
          }
          for (let round = ROUNDS; !dead && !retryTimer; ) {
            // Stopped after many full batches: continue on the next interval.
            if (!round--) return soon();
            const items = await env.queue.head(cfg.perBatch);
            // A failed send leaves a retry pending, which ends the loop.
            if (!items.length || (await ship(items), items.length < cfg.perBatch)) return;
          }
        } catch (e) {
          log(e);
        }
      })
      .then(() => {
        flushing = 0;
      }));
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

  const client: HeadcountClient = {
    track: serial((event, properties) => off() || record('track', { event, properties }, touch())),
    page: serial((name, properties) => off() || record('page', { name, properties }, touch())),
    identify: serial((userId, traits) => off() || (userId && set('hc_u', userId), record('identify', { traits }, touch()))),
    // The previous id is read before the new one is stored, and the new one before the event is made.
    alias: serial((userId) => off() || record('alias', { previousId: get('hc_u') || anonymousId() }, (set('hc_u', userId), touch()))),
    // Ending a session makes the new visitor; without one, it is made here.
    reset: serial(() => (sync(), end('reset') || (anonymousId(newId()), set('hc_u', null)))),
    startSession: serial(() => off() || (sync(), end('manual'), begin(callAt ?? mono()))),
    endSession: serial((reason = 'manual') => (sync(), end(reason))),
    // Sends now, even while a retry is pending.
    flush() {
      retryTimer && retryTimer();
      retryTimer = 0;
      return flush();
    },
    optOut: () => set('hc_o', '1'),
    optIn() {
      set('hc_o', '0');
      soon();
    },
    on(type, cb) {
      (subs[type] ||= []).push(cb);
      return () => {
        subs[type] = subs[type]!.filter((f) => f != cb);
      };
    },
    status: () => ({
      sessionId: (!dead && check()?.i) || null,
      // Read, never created here: a visitor is created with its first event, once the session start is decided across tabs.
      anonymousId: get('hc_a'),
      queued,
      sent,
      dropped,
      online: env.connected(),
    }),
    destroy() {
      dead = true;
      [flushTimer, retryTimer, pingTimer, sessionTimer, ...stops].forEach((t) => t && t());
    },
  };

  /** Reports an event given up on, with the collector's error (`code` is the reason). */
  const drop = (event: HeadcountEvent, { code: reason, message }: { code: string; message?: string }) => {
    dropped++;
    emit('drop', { reason, message, event });
  };

  /** Ends the live session at wall-clock time `t` (now, or for `idle` the last activity or event); true, or nothing when there was none. */
  const end = (reason: EndReason, t = now()) => {
    const s = cur;
    if (!s) return;
    cur = null;
    // In the order that gzips smallest (measured; none depends on another).
    unannounce?.();
    if (readSession()?.i == s.i) set('hc_s', null);
    arm();
    gone.push(s.i);
    const properties = { reason, durationSeconds: Math.max(0, t - s.s) / 1e3 };
    const ended = { sessionId: s.i, anonymousId: anonymousId(), ...properties };
    // A fixed messageId: two tabs ending the same session are stored once.
    record('track', { event: 'Session Ended', properties, messageId: s.i + '-end' }, s, t);
    // A new visitor: kiosk sessions and reset() forget who was there.
    if (cfg.isKiosk || reason == 'reset') {
      anonymousId(newId());
      set('hc_u', null);
    }
    emit('sessionend', ended);
    return true;
  };

  /** Mirrors the shared record; newer activity from another tab moves this tab's idle clock. */
  const sync = () => {
    const r = readSession();
    // Lost a start race (no cross-tab lock): end ours rather than leave a session that never ends.
    if (cur && r && r.i != cur.i && Math.abs(r.s - cur.s) < 1e3) end('manual', lastWall);
    if (r && (r.i != cur?.i || r.l > lastWall)) {
      lastMono = mono() - Math.max(0, now() - r.l);
      lastWall = r.l;
    }
    cur = r;
  };

  /** Writes the shared session record (one writer for its three writes). */
  const store = (r: SessionRecord) => set('hc_s', JSON.stringify(r));
  const off = () => {
    const o = get('hc_o');
    return dead || o == '1' || (o != '0' && env.dnt);
  };

  /** Ends the session if it is over (idle on this tab's monotonic clock, or past the maximum duration); returns the live one. */
  const check = () => {
    sync();
    if (cur) {
      if (lastMono + cfg.idle - mono() <= 0) end('idle', lastWall);
      else if (cur.s + cfg.maxDuration - now() <= 0) end('max_duration', cur.s + cfg.maxDuration);
    }
    arm();
    return cur;
  };

  /**
   * Under the lock: adopts a session another tab started meanwhile, else starts one at `m`. localStorage
   * reaches other tabs a moment late, so a start is also announced by a lock held for a few seconds,
   * named with the session and its visitor: the browser's lock manager is the same for every tab at once.
   */
  const begin = (m: number) =>
    (starting ||= lock('s', async () => {
        if (check()) return;
        // Without Web Locks (undefined), or with `storage: memory` (which shares nothing with other tabs, its session
        // starts included), nothing is announced, and the start is decided at once (no await).
        const asked = !cfg.memory && env.lockNames();
        // map() passes JSON.parse an index as the reviver, which it ignores (not a function).
        const told =
          asked && (await asked).map(JSON.parse as (name: string) => [SessionRecord, string]).find(([r]) => !gone.includes(r.i));
        if (told) {
          store(told[0]);
          anonymousId(told[1]);
          if (check()) return;
        }
        // Starts one at `m`, the activity that started it. The visitor is stored before the session: a tab that
        // sees the session sees its visitor too.
        const visitor = anonymousId();
        const t = wall(m);
        const s = (cur = { i: newId(), s: t, l: t, a: env.attribution(), t: src });
        // In the order that gzips smallest (measured; arm() reads lastMono and cur only).
        lastMono = m;
        arm();
        store(s);
        lastWall = t;
        record('track', { event: 'Session Started' }, s, t);
        // Kiosk: the page a person finds is the session's landing page.
        if (cfg.isKiosk && cfg.pageviews) record('page', {}, s, t);
        emit('sessionstart', { sessionId: s.i, anonymousId: visitor });
        // Taken before 's' is released, so the next tab to hold 's' finds it. Named by its JSON: the only
        // lock names that start with '['.
        asked &&
          (await new Promise<void>((held) =>
            lock(JSON.stringify([s, visitor]), () => (
              held(), new Promise<void>((r) => later((unannounce = r), 5e3))
            )),
          ));
      })
      .catch(log)
      .then(() => {
        starting = 0;
        return cur;
      }));

  const unload = () => {
    if (off()) return;
    // Newest first: the oldest are the likeliest to be delivered already, by another tab or a flush.
    let j = mine.length;
    let size = 0;
    // UTF-8 length without TextEncoder (not in the core's ES2020 lib): each escaped byte becomes one character.
    while (j && (size += unescape(encodeURIComponent(JSON.stringify(mine[j - 1]!.e))).length + SENT_AT_BYTES) < KEEPALIVE_BYTES) j--;
    // Out of `mine` once handed over; their sentAt stays, should a flush send them again.
    const items = mine.splice(j);
    const keys = items.map((i) => i.k);
    flying = flying.concat(keys);
    // ship never rejects: every failure is a verdict.
    items[0] && ship(items, true).then(() => (flying = flying.filter((k) => !keys.includes(k))));
  };

  /** Wakes at the earliest of the live session's idle deadline and maximum duration; without one, only stops. */
  const arm = () => {
    sessionTimer?.();
    sessionTimer = cur && later(check, Math.min(lastMono + cfg.idle - mono(), cur.s + cfg.maxDuration - now()));
  };

  /** Records an event made at wall-clock time `t`; while a session is being started it joins that one when decided. */
  const record = (type: EventType, fields: JsonObject, s: Live, t = wall(callAt ?? mono())) => {
    if (off()) return;
    // A JSON snapshot: later changes to the caller's objects do not reach the queue; unserializable input throws here.
    const e: HeadcountEvent = JSON.parse(
      JSON.stringify({
        type,
        userId: get('hc_u') || undefined,
        timestamp: iso(t),
        context: env.ctx(),
        ...fields,
      }),
    );
    // The visitor is read once the session is decided: one created by the tab that won the start is everybody's.
    const add = (s: Current) => {
      const k = newId();
      // Made before the event's last fields are set (the same object; measured smaller).
      const item = { k, e };
      e.messageId ||= k;
      e.anonymousId = anonymousId();
      if (s) {
        e.context = { ...e.context, ...s.a, sessionId: s.i };
        lastWall = Math.max(lastWall, t);
      }
      if (mine.push(item) > MEMORY_ITEMS) mine.shift();
      lastPresence = mono();
      // The offset now, fresh: a caller's t (a session's end at its last activity) may not have read the clock.
      born[k] = wall(0);
      // The first to wait schedules the write that takes all that wait, once a session start being decided is
      // (so a track that starts a session writes Session Started and itself in one transaction).
      if (pending.push(item) < 2)
        writes = Promise.resolve(writes).then((): unknown => starting).then(async () => {
          // Write before send: a flush only ever reads from the queue. One transaction writes and counts (emptied in
          // place: events recorded meanwhile wait for the next write).
          await write(pending.splice(0), []);
          soon();
          // A full batch or queue: flush now, or right after the flush in progress.
          if (queued >= cfg.perBatch || queued > cfg.cap) Promise.resolve(flushing).then(flush);
        });
    };
    // A session being started is a promise; a record has no `then`.
    (s as Promise<Current>)?.then ? (s as Promise<Current>).then(add) : add(s as Current);
  };

  /** Presence: at most every 60 s, only when there was input after the last event, only while visible. */
  const ping = () => {
    pingTimer = 0;
    if (lastInput > lastPresence) {
      const wait = lastPresence + PING_EVERY - mono();
      if (wait > 0) pingTimer = later(ping, wait);
      else if (env.visible()) {
        // check() returns the live session, `cur`.
        check() && record('ping', {}, cur);
      }
    }
  };

  /** Runs `fn` as if called at monotonic time `m`. */
  const run = (m: number | undefined, fn: () => void) => {
    const was = callAt;
    callAt = m;
    try {
      fn();
    } catch (e) {
      log(e);
    }
    callAt = was;
  };

  /** Activity at monotonic time `m` (user input, or a tracked call at its time): the live session, starting one when allowed. */
  const touch = (input?: boolean, m = callAt ?? mono()): Live => {
    check();
    // Kiosk: only a person's input starts or extends a session; tracked calls just join it (they wait
    // while a start is pending: see serial).
    if (cfg.isKiosk && !input) return cur;
    if (!cur) return begin(m);
    lastMono = Math.max(lastMono, m);
    cur.l = lastWall = Math.max(lastWall, wall(m));
    store(cur);
    return cur;
  };

  const readSession = (): Current => {
    try {
      const r = JSON.parse(get('hc_s') as string);
      // Another script's value or another shape under the key is no session: its times would be NaN, its timer spin.
      return r.i && r.s + r.l > 0 ? r : null;
    } catch {}
  };

  // A landing from a new source starts a new visit (web mode); without a session end() does nothing.
  if (check()?.t != src && src) end('new_source', lastWall);
  // Events left by earlier pages (or other tabs) go out on the first interval.
  write([], []);
  soon();

  return {
    visibility: () => (env.visible() ? (check(), soon()) : unload()),
    reconnect() {
      attempt = 0;
      client.flush();
    },
    stops,
    replay: (t, fn) => run(t && mono() - Math.max(0, now() - t), fn),
    unload,
    input() {
      const t = mono();
      // Pointer moves and scrolls come in storms; a tenth of a second is plenty for idle timing, never for a start.
      if ((cur && t - lastInput < 100) || off()) return;
      lastInput = t;
      // Input always finds a session: the live one, or one it starts.
      touch(true, t);
      pingTimer ||= later(ping, 0);
    },
    client,
    autoPage() {
      // Nothing after destroy (history wrappers outlive it) nor while opted out.
      off() || ((!cfg.isKiosk || check()) && client.page());
    },
  };
}
