/** The browser pieces a live connection uses, injected so tests (and odd runtimes) can supply their own. */
export interface LiveEnvironment {
  /** Absent in runtimes without Server-Sent Events: the connection polls instead. */
  EventSource: typeof EventSource | undefined;
  fetch: typeof fetch | undefined;
  AbortController: typeof AbortController | undefined;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

/** Reads the globals when called (on the client, on first subscribe), never at import, so server rendering touches none. */
export function browserEnvironment(): LiveEnvironment {
  const g = globalThis as Partial<typeof globalThis>;
  return {
    EventSource: typeof g.EventSource === 'function' ? g.EventSource : undefined,
    // Bound so browsers do not throw "Illegal invocation" when fetch is called as a method of another object.
    fetch: typeof g.fetch === 'function' ? g.fetch.bind(globalThis) : undefined,
    AbortController: typeof g.AbortController === 'function' ? g.AbortController : undefined,
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: Math.random,
  };
}
