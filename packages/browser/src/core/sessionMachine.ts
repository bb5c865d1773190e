/**
 * When a session starts and ends. The current session lives in shared storage so every tab of the
 * origin uses the same one; idle time is measured per tab on the monotonic clock, and a tab re-reads
 * the shared last activity before ending anything, so one idle tab never ends a session another uses.
 */
import type { SessionEndReason } from '@headcount/schema';
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
}

export interface SessionMachine {
  /** Activity (user input, or a tracked call): returns the live session, starting one when allowed. */
  touch(input: boolean): SessionRecord | undefined;
  /** Ends an expired session; returns the live one. */
  check(): SessionRecord | undefined;
  /** Ends the live session; returns whether there was one. */
  end(reason: SessionEndReason): boolean;
  start(): void;
  stop(): void;
}

export interface SessionHooks {
  started(session: SessionRecord): void;
  /** `at` is the wall-clock end: the last activity for `idle`. */
  ended(session: SessionRecord, reason: SessionEndReason, at: number): void;
}

const KEY = 'hc_s';
/** Shared last activity is rewritten at most this often (ms); other tabs read it before ending a session. */
const WRITE_EVERY = 1e3;

export function createSessionMachine(
  env: CoreEnv,
  o: { kiosk: boolean; idle: number; maxDuration: number; newId: () => string },
  hooks: SessionHooks,
): SessionMachine {
  const { kv, now, mono } = env;
  let cur: SessionRecord | undefined;
  /** Last activity known to this tab: monotonic (for idle) and wall (for stamps). */
  let lastMono = 0;
  let lastWall = 0;
  let cancel: (() => void) | 0 = 0;

  const write = (r: SessionRecord | null) => kv.set(KEY, r && JSON.stringify(r));

  /** Mirrors the shared record; newer activity from another tab moves this tab's idle clock. */
  const sync = () => {
    let r: SessionRecord | undefined;
    try {
      r = JSON.parse(kv.get(KEY) as string) || undefined;
    } catch {}
    if (r && (r.i !== cur?.i || r.l > lastWall)) {
      lastWall = r.l;
      lastMono = mono() - Math.max(0, now() - r.l);
    }
    cur = r;
  };

  const end = (reason: SessionEndReason, at: number) => {
    const r = cur;
    if (!r) return false;
    cur = undefined;
    stop();
    let shared: SessionRecord | undefined;
    try {
      shared = JSON.parse(kv.get(KEY) as string);
    } catch {}
    if (shared?.i === r.i) write(null);
    hooks.ended(r, reason, at);
    return true;
  };

  /** Ends the session if it is over: idle on this tab's monotonic clock, or past the maximum duration. */
  const check = () => {
    sync();
    if (cur) {
      const t = now();
      if (mono() - lastMono >= o.idle) end('idle', lastWall);
      else if (t - cur.s >= o.maxDuration) end('max_duration', Math.min(t, cur.s + o.maxDuration));
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

  const start = () => {
    const t = now();
    cur = { i: o.newId(), s: t, l: t, a: env.attribution() };
    lastMono = mono();
    lastWall = t;
    write(cur);
    stop();
    arm();
    hooks.started(cur);
  };

  return {
    touch(input) {
      check();
      // Kiosk: only a person's input starts or extends a session; tracked calls just join it.
      if (o.kiosk && !input) return cur;
      if (!cur) start();
      else {
        lastMono = mono();
        lastWall = now();
        if (lastWall - cur.l >= WRITE_EVERY) {
          cur.l = lastWall;
          write(cur);
        }
      }
      return cur;
    },
    check,
    end(reason) {
      sync();
      return end(reason, now());
    },
    start() {
      sync();
      end('manual', now());
      start();
    },
    stop,
  };
}
