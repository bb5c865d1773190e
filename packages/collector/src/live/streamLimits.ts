import { HttpError } from '../http/errors';

export interface StreamLimits {
  /** Counts one more stream of `address` (and of `appId` once known); throws a 429 past either cap. Returns the release. */
  admit(address: string, appId: string): () => void;
}

// A client refused for too many streams has others open already: it may try again in a while.
const RETRY_AFTER_SECONDS = 30;

/** Caps open SSE streams per client address and per app, so one client cannot hold every file descriptor. */
export function createStreamLimits(limits: { perAddress: number; perApp: number }): StreamLimits {
  const byAddress = new Map<string, number>();
  const byApp = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, delta: number) => {
    const n = (map.get(key) ?? 0) + delta;
    if (n > 0) map.set(key, n);
    else map.delete(key);
  };
  const refuse = (what: string, cap: number) =>
    new HttpError(429, 'too_many_streams', `${what} has ${cap} live streams open already; share one stream per page, or poll GET /v1/active`,
      { 'Retry-After': String(RETRY_AFTER_SECONDS) });

  return {
    admit(address, appId) {
      if ((byAddress.get(address) ?? 0) >= limits.perAddress) throw refuse('this address', limits.perAddress);
      if ((byApp.get(appId) ?? 0) >= limits.perApp) throw refuse('this app', limits.perApp);
      add(byAddress, address, 1);
      add(byApp, appId, 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        add(byAddress, address, -1);
        add(byApp, appId, -1);
      };
    },
  };
}
