/** Why a page may have missed events: the network came back, or the page became visible (after sleep, say). */
export type WakeReason = 'online' | 'visible';

/** The browser pieces a live connection uses, injected so tests (and odd runtimes) can supply their own. */
export interface LiveEnvironment {
  /** Absent in runtimes without Server-Sent Events: the connection polls instead. */
  EventSource: typeof EventSource | undefined;
  fetch: typeof fetch | undefined;
  AbortController: typeof AbortController | undefined;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
  /** Wall-clock milliseconds: unlike timers, this clock keeps running while the device sleeps. */
  now(): number;
  /** Calls `callback` on `online` and when the page becomes visible; returns the unsubscribe. */
  onWake(callback: (reason: WakeReason) => void): () => void;
}

/** Reads the globals when called (on the client, on first subscribe), never at import, so server rendering touches none. */
export function browserEnvironment(): LiveEnvironment {
  const g = globalThis as Partial<typeof globalThis>;
  return {
    EventSource: g.EventSource,
    // Bound so browsers do not throw "Illegal invocation" when fetch is called as a method of another object.
    fetch: g.fetch?.bind(g),
    AbortController: g.AbortController,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: Math.random,
    now: Date.now,
    onWake(callback) {
      const doc = g.document;
      const online = () => callback('online');
      const visible = () => doc?.visibilityState === 'visible' && callback('visible');
      // Workers and other runtimes may lack either target.
      g.addEventListener?.('online', online);
      doc?.addEventListener('visibilitychange', visible);
      return () => {
        g.removeEventListener?.('online', online);
        doc?.removeEventListener('visibilitychange', visible);
      };
    },
  };
}
