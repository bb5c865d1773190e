/** What the DOM-free core needs from its host; the browser adapters provide it, tests pass fakes. */
import type { EventContext, HeadcountEvent } from '@headcount/schema';

/** One queued event; `k` orders the queue (oldest first) and identifies the item in storage. */
export interface Item {
  k: string;
  e: HeadcountEvent;
}

/** A durable FIFO of events shared by every tab of the origin. Every method may reject; none throws. */
export interface QueueStore {
  /**
   * Writes `items` and deletes `keys` together; resolves with the queue's size after, counted in the same
   * transaction (`write([], [])` only counts).
   */
  write(items: Item[], keys: string[]): Promise<number>;
  /** The `n` oldest items, oldest first. */
  head(n: number): Promise<Item[]>;
}

/** Small synchronous key-value storage shared by the tabs (localStorage, or memory); its functions need no `this`. */
export interface KeyValue {
  read: (key: string) => string | null;
  /** `null` removes the key. */
  write: (key: string, value: string | null) => void;
}

/**
 * The collector's answer to one request: status, parsed JSON body (if any) and the `Retry-After` header
 * as sent; `undefined` when it went by sendBeacon and no answer will come. A tuple: no names in the bundle.
 */
export type Reply = [status: number, body?: unknown, retryAfter?: string | null];

/** Posts one JSON body to `/v1/batch`; rejects on network failure. */
export type Transport = (body: string, keepalive?: boolean) => Promise<Reply | undefined>;

export interface CoreEnv {
  /** Wall clock, ms since the epoch: timestamps and cross-tab comparisons only. */
  clock(): number;
  /** Monotonic clock in ms (performance.now): idle timing within the tab. */
  mono(): number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  later(fn: () => void, ms: number): () => void;
  rand(): number;
  kv: KeyValue;
  queue: QueueStore;
  send: Transport;
  /** Runs `fn` while holding the cross-tab lock `name` (`q`: the sender, `s`: session starts, `[...`: a start's announcement); never rejects for lack of locks. */
  lock(name: string, fn: () => unknown): Promise<unknown>;
  /** Names (as given to `lock`) of the session announcements held now (the locks named with '['); undefined without Web Locks. */
  lockNames(): Promise<string[]> | undefined;
  visible(): boolean;
  connected(): boolean;
  /** Page, device and library context at the time of the call. */
  ctx(): EventContext;
  /** utm parameters and click ids of the current URL, captured when a session starts. */
  attribution(): Attribution;
  /** This page's landing source when it is external (referrer from another site, utm campaign, click ids), else ''. */
  source: string;
  /** Do Not Track or Global Privacy Control is on and the options honour it. */
  dnt: boolean;
  say(...args: unknown[]): void;
}

export interface Attribution {
  campaign?: Record<string, string>;
  clickIds?: Record<string, string>;
}
