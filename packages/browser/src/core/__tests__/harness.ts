/**
 * In-memory adapters for the core under vitest's fake timers. Tabs made by one `createWorld` share
 * localStorage-like state, the durable queue and the sender lock, like tabs of one origin do.
 */
import type { BatchRequest, HeadcountEvent, IngestResponse } from '@headcount/schema';
import { vi } from 'vitest';
import type { HeadcountOptions } from '../api';
import { createCore, type Core } from '../client';
import { memoryStore } from '../durableQueue';
import { configure } from '../options';
import type { CoreEnv, Item, KeyValue, QueueStore } from '../ports';

export interface SentRequest {
  body: BatchRequest;
  keepalive: boolean;
  /** Fake wall-clock time of the request. */
  at: number;
  /** What the queue held when the transport was called. */
  queuedKeys: string[];
}

/** What the fake collector answers (the transport's `Reply` tuple, by name); `undefined`: a sendBeacon, no answer. */
export interface Answer {
  status: number;
  body?: unknown;
  retryAfter?: string | null;
}

export type Responder = (req: SentRequest) => Answer | undefined | Promise<Answer | undefined>;

/** 200 with every event accepted. */
export const acceptAll: Responder = (req) => ({ status: 200, body: ok(req.body.batch.length) });

export function ok(accepted: number, rejected: IngestResponse['rejected'] = []): IngestResponse {
  return { ok: true, accepted, duplicates: 0, rejected };
}

export interface Tab {
  core: Core;
  env: CoreEnv;
  /** Shifts this tab's wall clock (ms) without moving its monotonic clock. */
  skewWall(ms: number): void;
  setVisible(v: boolean): void;
}

export interface WorldOptions {
  /**
   * Tabs in separate processes, as in Chromium: a tab's localStorage writes reach the other tabs a task
   * later (their views catch up with the one canonical value), and a lock is granted a task after it is
   * released. `locks: false` has no lock at all (every lock call runs at once).
   */
  processes?: { locks: boolean; storageLagMs?: number };
}

export function createWorld({ processes }: WorldOptions = {}) {
  const storage = new Map<string, string>();
  const kv: KeyValue = {
    read: (k) => storage.get(k) ?? null,
    write: (k, v) => (v == null ? storage.delete(k) : storage.set(k, v)),
  };
  const views: Array<Map<string, string>> = [];
  /** A tab's own view of localStorage, updated from the canonical value a task after another tab writes. */
  const processKv = (): KeyValue => {
    const view = new Map(storage);
    views.push(view);
    return {
      read: (k) => view.get(k) ?? null,
      write(k, v) {
        for (const map of [storage, view]) v == null ? map.delete(k) : map.set(k, v);
        // Chromium may grant a lock before another process's write has arrived: `storageLagMs` models that.
        setTimeout(() => {
          for (const other of views) {
            const value = storage.get(k);
            if (other !== view) value == null ? other.delete(k) : other.set(k, value);
          }
        }, processes?.storageLagMs ?? 0);
      },
    };
  };
  const inner = memoryStore();
  const queued: Item[] = [];
  // The queue as a spy: `items` mirrors what the store holds after each call.
  const sync = async () => queued.splice(0, queued.length, ...(await inner.head(1e9)));
  const queue: QueueStore = {
    write: async (items, keys) => {
      const n = await inner.write(items, keys);
      await sync();
      return n;
    },
    head: (n) => inner.head(n),
  };
  const requests: SentRequest[] = [];
  let responder: Responder = acceptAll;
  const lockTails: Record<string, Promise<unknown>> = {};
  const heldNow = new Set<string>();
  let random = () => 0.5;

  const world = {
    storage,
    kv,
    queue,
    /** Items in the durable queue, oldest first. */
    queued,
    requests,
    respond(fn: Responder) {
      responder = fn;
    },
    setRandom(fn: () => number) {
      random = fn;
    },
    /** Every event in the requests so far, in send order. */
    sentEvents(): HeadcountEvent[] {
      return requests.flatMap((r) => r.body.batch);
    },
    queuedEvents(): HeadcountEvent[] {
      return queued.map((i) => i.e);
    },
    /** Opens a tab with these options; its monotonic clock starts at 0 now. */
    tab(options: Partial<HeadcountOptions> = {}, extra: Partial<CoreEnv> = {}): Tab {
      const opened = Date.now();
      let skew = 0;
      let visible = true;
      const env: CoreEnv = {
        clock: () => Date.now() + skew,
        mono: () => Date.now() - opened,
        later(fn, ms) {
          const t = setTimeout(fn, ms);
          return () => clearTimeout(t);
        },
        rand: () => random(),
        kv: processes ? processKv() : kv,
        queue,
        async send(body, keepalive) {
          const req: SentRequest = {
            body: JSON.parse(body),
            keepalive: !!keepalive,
            at: Date.now() + skew,
            queuedKeys: queued.map((i) => i.k),
          };
          requests.push(req);
          const a = await responder(req);
          return a && [a.status, a.body, a.retryAfter];
        },
        // A mutex per name: one sender, one session start at a time across the world's tabs.
        lock(name, fn) {
          if (processes && !processes.locks) return Promise.resolve().then(fn);
          const granted = (lockTails[name] ?? Promise.resolve()).then(() => processes && new Promise((r) => setTimeout(r, 0)));
          const run = granted.then(() => {
            heldNow.add(name);
            const out = fn();
            // On a side chain: the lock's own timing stays as it was.
            Promise.resolve(out).finally(() => heldNow.delete(name)).catch(() => {});
            return out;
          });
          lockTails[name] = run.catch(() => {});
          return run;
        },
        // The lock manager is one for the whole world: what it holds is known at once, unlike storage.
        lockNames: () => (processes?.locks ? Promise.resolve([...heldNow].filter((n) => n.startsWith('['))) : undefined),
        visible: () => visible,
        connected: () => true,
        ctx: () => ({ page: { url: 'https://museum.test/', path: '/' } }),
        attribution: () => ({}),
        source: '',
        dnt: false,
        say: () => {},
        ...extra,
      };
      const core = createCore(env, configure({ writeKey: 'wk_test', host: 'https://c.test', ...options }));
      return {
        core,
        env,
        skewWall: (ms) => (skew += ms),
        setVisible: (v) => (visible = v),
      };
    },
  };
  return world;
}

/** Advances fake time and lets every promise chain settle. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/** Lets pending queue writes and sends settle without moving time. */
export async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

export const named = (events: HeadcountEvent[], name: string) =>
  events.filter((e) => e.type === 'track' && e.event === name);
