/**
 * Just enough of a browser, in a vm context, to run the built script-tag bundle in Node:
 * location/history that navigate, EventTarget window and document, localStorage, fetch and sendBeacon.
 * Timers and Date come from the test (vitest's fake timers). No IndexedDB: the bundle falls back.
 */
import vm from 'node:vm';
import type { BatchRequest } from '@headcount/schema';
import { vi } from 'vitest';
import { memoryStorage } from '../src/adapters/__tests__/memoryStorage';

export interface BrowserOptions {
  url: string;
  /** `src` of the SDK's script tag. */
  src: string;
  /** The tag's dataset: `data-write-key` is `writeKey`, `data-max-session` is `maxSession`... */
  data: Record<string, string>;
  referrer?: string;
  doNotTrack?: string;
  /** How the page was loaded (PerformanceNavigationTiming.type): `navigate`, `reload`, `back_forward`. */
  navigation?: string;
  /** The JSON body the collector answers a batch of `n` events with (status 200); default: all accepted. */
  answer?: (n: number) => unknown;
}

export interface Posted {
  url: string;
  keepalive: boolean;
  body: BatchRequest;
}

/**
 * EventTarget as a browser's: listener options that are no object are read as `capture` (WebIDL converts the
 * bundle's 1 to true), where Node's EventTarget throws for anything but a boolean or an object.
 */
class DomEventTarget extends EventTarget {
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: unknown) {
    super.addEventListener(type, listener, typeof options == 'object' ? (options as AddEventListenerOptions) : !!options);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: unknown) {
    super.removeEventListener(type, listener, typeof options == 'object' ? (options as EventListenerOptions) : !!options);
  }
}

export function fakeBrowser(o: BrowserOptions) {
  const opened = Date.now();
  let url = new URL(o.url);
  const requests: Posted[] = [];
  const win = new DomEventTarget() as EventTarget & Record<string, unknown>;
  const doc = Object.assign(new DomEventTarget(), {
    visibilityState: 'visible',
    referrer: o.referrer ?? '',
    title: 'Dinosaurs',
    currentScript: { src: o.src, dataset: o.data },
  });
  // As in a browser, document.hidden follows visibilityState.
  Object.defineProperty(doc, 'hidden', { get: () => doc.visibilityState == 'hidden' });
  const navigate = (to: string | URL | null | undefined) => {
    if (to != null) url = new URL(to, url);
  };
  const sendBeacon = vi.fn((to: string, body: string) => {
    requests.push({ url: to, keepalive: true, body: JSON.parse(body) });
    return true;
  });
  Object.assign(win, {
    window: win,
    self: win,
    document: doc,
    location: {
      get href() {
        return url.href;
      },
      get pathname() {
        return url.pathname;
      },
      get search() {
        return url.search;
      },
      get origin() {
        return url.origin;
      },
    },
    history: {
      state: null,
      pushState: (_s: unknown, _t: string, to?: string) => navigate(to),
      replaceState: (_s: unknown, _t: string, to?: string) => navigate(to),
    },
    navigator: { userAgent: 'FakeBrowser/1.0', language: 'en-GB', onLine: true, doNotTrack: o.doNotTrack, sendBeacon },
    screen: { width: 1920, height: 1080 },
    localStorage: memoryStorage(),
    performance: { now: () => Date.now() - opened, getEntriesByType: () => [{ type: o.navigation ?? 'navigate' }] },
    async fetch(to: string, init: RequestInit) {
      requests.push({ url: to, keepalive: !!init.keepalive, body: JSON.parse(init.body as string) });
      const n = (requests.at(-1)!.body.batch || []).length;
      const answer = o.answer?.(n) ?? { ok: true, accepted: n, duplicates: 0, rejected: [] };
      return new Response(JSON.stringify(answer), { status: 200 });
    },
    setTimeout: (fn: () => void, ms?: number) => setTimeout(fn, ms),
    clearTimeout: (t: ReturnType<typeof setTimeout>) => clearTimeout(t),
    console,
    Date,
    URL,
    URLSearchParams,
    Response,
    AbortSignal,
  });
  vm.createContext(win);
  return {
    win,
    doc,
    requests,
    sendBeacon,
    run: (code: string) => vm.runInContext(code, win),
    /** The SDK's global once loaded. */
    get headcount() {
      return win.headcount as import('../src/index').HeadcountClient;
    },
    events: () => requests.flatMap((r) => r.body.batch),
    fire(target: EventTarget, type: string, props: Record<string, unknown> = {}) {
      const e = new Event(type);
      for (const [k, v] of Object.entries(props)) Object.defineProperty(e, k, { value: v });
      target.dispatchEvent(e);
    },
  };
}
