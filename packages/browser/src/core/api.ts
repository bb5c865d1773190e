/** The public shapes of the SDK: options, the client, its status and the payloads of `on(...)`. */
import type { HeadcountEvent, JsonObject, SessionEndReason } from '@headcount/schema';

/** Why a session ended (`new_source`: a landing from a new external source started a new visit). */
export type EndReason = SessionEndReason | 'new_source';

/** Options of `createHeadcount`; times are in seconds. */
export interface HeadcountOptions {
  /** The app's public write key. */
  writeKey: string;
  /** Collector origin, e.g. `"https://collector.example"`; empty sends to the page's own origin. */
  host?: string;
  /** Touch-table mode: sessions start on the first input and rotate the visitor when they end. Default false. */
  kiosk?: boolean;
  /** Seconds without activity that end a session: 1800 on the web, 60 in kiosk mode; fractions allowed, minimum 1. */
  idleTimeout?: number;
  /** Longest session in seconds (43200). */
  maxSessionDuration?: number;
  /** Page views on load, pushState, replaceState, popstate and hashchange (true). */
  autoPageviews?: boolean;
  /** `Element Clicked` events with the element, its text and x/y (false). */
  trackClicks?: boolean;
  /** Events per request; a full batch is sent at once (20). */
  batchSize?: number;
  /** Seconds between sends of a partial batch (2). */
  flushInterval?: number;
  /** Most events kept while undelivered; the oldest are dropped beyond it (10000). */
  maxQueue?: number;
  /** Record nothing when the browser sends Do Not Track or Global Privacy Control (false). */
  respectDoNotTrack?: boolean;
  /** `auto`: IndexedDB, then localStorage, then memory; `memory`: nothing persists (auto). */
  storage?: 'auto' | 'memory';
  /** Log what the SDK does to the console (false). */
  debug?: boolean;
}

/** A snapshot of the client, from `status()`. */
export interface HeadcountStatus {
  sessionId: string | null;
  anonymousId: string | null;
  /** Events written to the queue and not yet acknowledged. */
  queued: number;
  /** Events the collector acknowledged. */
  sent: number;
  /** Events dropped: rejected as invalid or pushed out of a full queue. */
  dropped: number;
  online: boolean;
}

export interface SessionStartInfo {
  sessionId: string;
  anonymousId: string;
}

export interface SessionEndInfo {
  sessionId: string;
  /** The visitor whose session ended (kiosk mode and `reset()` give the next one a new id). */
  anonymousId: string;
  reason: EndReason;
  durationSeconds: number;
}

/** One event the SDK gave up on. */
export interface DropInfo {
  /** The collector's error code (`invalid_field`, `event_too_large`, `payload_too_large`, ...) or `queue_full`. */
  reason: string;
  message?: string;
  event: HeadcountEvent;
}

/** One request the collector acknowledged. */
export interface SendInfo {
  events: HeadcountEvent[];
  accepted: number;
  duplicates: number;
}

/** What each `on(...)` callback receives. */
export interface HeadcountEvents {
  sessionstart: SessionStartInfo;
  sessionend: SessionEndInfo;
  drop: DropInfo;
  send: SendInfo;
}

/** The SDK client; no method ever throws. */
export interface HeadcountClient {
  track(event: string, properties?: JsonObject): void;
  page(name?: string, properties?: JsonObject): void;
  identify(userId: string, traits?: JsonObject): void;
  /** Links the current identity (user id, else anonymous id) to `userId` and continues as `userId`. */
  alias(userId: string): void;
  /** Ends the session (reason `reset`), clears the user id and starts over with a new anonymous id. */
  reset(): void;
  /** Starts a new session now, ending the current one (reason `manual`). */
  startSession(): void;
  endSession(reason?: EndReason): void;
  /** Sends what is queued now; resolves when done, never rejects. */
  flush(): Promise<void>;
  /** Stops recording and sending; persists across reloads. */
  optOut(): void;
  optIn(): void;
  on<K extends keyof HeadcountEvents>(type: K, callback: (info: HeadcountEvents[K]) => void): () => void;
  status(): HeadcountStatus;
  /** Removes every listener and timer; queued events stay for the next page. */
  destroy(): void;
}
