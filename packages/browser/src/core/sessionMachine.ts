/**
 * When a session starts and ends. The current session lives in shared storage so every tab of the
 * origin uses the same one; idle time is measured per tab on the monotonic clock, every activity is
 * written to the shared record, and a tab re-reads it before ending anything, so one idle tab never
 * ends a session another uses. Starting is atomic across tabs: under the `s` lock a tab adopts the
 * session another tab just started instead of starting its own.
 */
import type { EndReason } from './api';
import type { Attribution, CoreEnv } from './ports';

/** The shared session record (short keys: it is rewritten on activity). */
export interface SessionRecord {
  /** Session id. */
  i: string;
  /** Wall-clock start, ms. */
  s: number;
  /** Wall-clock time of the last activity any tab wrote, ms. */
  l: number;
  /** Attribution captured at the start, carried by every event of the session. */
  a: Attribution;
  /** The landing source the session started with (`CoreEnv.source`). */
  t?: string;
}

/** The live session, or the one being started (decided under the cross-tab lock). */
export type Live = SessionRecord | undefined | Promise<SessionRecord | undefined>;

export interface SessionMachine {
  /** The page loaded: ends an expired session, or one this landing's new source replaces. */
  land(): void;
  /** Activity at monotonic time `m` (user input, or a tracked call): the live session, starting one when allowed. */
  touch(input: boolean, m: number): Live;
  /** An event of the live session recorded at monotonic time `m`: the end is never stamped before it. */
  seen(m: number): void;
  /** Ends an expired session; returns the live one. */
  check(): SessionRecord | undefined;
  /** Ends the live session; returns whether there was one. */
  end(reason: EndReason): boolean;
  start(m: number): Live;
  stop(): void;
}

export interface SessionHooks {
  newId(): string;
  /** Wall-clock time of monotonic instant `m`. */
  wall(m: number): number;
  /** `m` is the monotonic time of the activity that started it. */
  started(session: SessionRecord, m: number): void;
  /** `at` is the wall-clock end: the last activity or event for `idle`. */
  ended(session: SessionRecord, reason: EndReason, at: number): void;
  /** The visitor's anonymousId, first adopting `id` (another tab's, decided with the session) when given. */
  visitor(id?: string): string;
}

const KEY = 'hc_s';

export function createSessionMachine(
  env: CoreEnv,
  o: { isKiosk: boolean; idle: number; maxDuration: number },
  hooks: SessionHooks,
): SessionMachine {
  const { kv, clock: now, mono } = env;
  const src = o.isKiosk ? '' : env.source();
  let cur: SessionRecord | undefined;
  /** Last activity known to this tab: monotonic (for idle), and wall (for stamps: never before the session's last event). */
  let lastMono = 0;
  let lastWall = 0;
  let cancel: (() => void) | 0 = 0;
  let starting: Promise<SessionRecord | undefined> | 0 = 0;
  /** Releases the lock that announces the session this tab started (see begin); a no-op once released. */
  let unannounce: (() => void) | 0 = 0;
  /** Sessions this tab saw end: an announcement of one of them may outlive it by a moment. */
  const gone: string[] = [];

  const { wall } = hooks;
  const write = (r: SessionRecord | null) => kv.set(KEY, r && JSON.stringify(r));
  const read = (): SessionRecord | undefined => {
    try {
      return JSON.parse(kv.get(KEY) as string) || undefined;
    } catch {}
  };

  /** Mirrors the shared record; newer activity from another tab moves this tab's idle clock. */
  const sync = () => {
    const r = read();
    // Lost a start race (no cross-tab lock): end ours rather than leave a session that never ends.
    if (cur && r && r.i !== cur.i && Math.abs(r.s - cur.s) < 1e3) end('manual', lastWall);
    if (r && (r.i !== cur?.i || r.l > lastWall)) {
      lastWall = r.l;
      lastMono = mono() - Math.max(0, now() - r.l);
    }
    cur = r;
  };

  const end = (reason: EndReason, at: number) => {
    const r = cur;
    if (!r) return false;
    cur = undefined;
    gone.push(r.i);
    unannounce && unannounce();
    stop();
    if (read()?.i === r.i) write(null);
    hooks.ended(r, reason, at);
    return true;
  };

  /** Ends the session if it is over: idle on this tab's monotonic clock, or past the maximum duration. */
  const check = () => {
    sync();
    if (cur) {
      const t = now();
      if (mono() - lastMono >= o.idle) end('idle', lastWall);
      else if (t - cur.s >= o.maxDuration) end('max_duration', cur.s + o.maxDuration);
    }
    if (cur && !cancel) arm();
    return cur;
  };

  /** Wakes at the earliest of the idle deadline and the maximum duration. */
  const arm = () => {
    cancel = env.later(
      () => {
        cancel = 0;
        check();
      },
      Math.min(lastMono + o.idle - mono(), cur!.s + o.maxDuration - now()),
    );
  };

  const stop = () => {
    cancel && cancel();
    cancel = 0;
  };

  /**
   * Under the lock: adopts a session another tab started meanwhile, else starts one at `m`. localStorage
   * reaches other tabs a moment late, so a start is also announced by a lock held for a few seconds,
   * named with the session and its visitor: the browser's lock manager is the same for every tab at once.
   */
  const begin = (m: number) =>
    (starting ||= env
      .lock('s', () => {
        if (check()) return;
        const asked = env.lockNames('d');
        // Without Web Locks nothing is announced: the start is decided at once.
        if (!asked) return start(m);
        return asked.then(async (names) => {
          const told = names.map((name) => JSON.parse(name.slice(1)) as [SessionRecord, string]).find(([r]) => !gone.includes(r.i));
          if (told) {
            write(told[0]);
            hooks.visitor(told[1]);
            if (check()) return;
          }
          start(m);
          // Taken before 's' is released, so the next tab to hold 's' finds it.
          const name = 'd' + JSON.stringify([cur, hooks.visitor()]);
          await new Promise<void>((held) =>
            env.lock(name, () => (held(), new Promise<void>((r) => env.later((unannounce = r), 5e3)))),
          );
        });
      })
      .catch(env.say)
      .then(() => {
        starting = 0;
        return cur;
      }));

  const start = (m: number) => {
    // The visitor is stored before the session: a tab that sees the session sees its visitor too.
    hooks.visitor();
    const t = wall(m);
    cur = { i: hooks.newId(), s: t, l: t, a: env.attribution(), t: src };
    lastMono = m;
    lastWall = t;
    write(cur);
    stop();
    arm();
    hooks.started(cur, m);
  };

  return {
    land() {
      // A landing from a new source starts a new visit (web mode).
      if (check() && src && cur!.t !== src) end('new_source', lastWall);
    },
    touch(input, m) {
      check();
      // Kiosk: only a person's input starts or extends a session; tracked calls just join it.
      if (o.isKiosk && !input) return cur || starting || undefined;
      if (!cur) return begin(m);
      lastMono = Math.max(lastMono, m);
      cur.l = lastWall = Math.max(lastWall, wall(m));
      write(cur);
      return cur;
    },
    seen(m) {
      lastWall = Math.max(lastWall, wall(m));
    },
    check,
    end(reason) {
      sync();
      return end(reason, now());
    },
    start(m) {
      sync();
      end('manual', now());
      return begin(m);
    },
    stop,
  };
}
