/** Assembles the core's environment from the browser: clocks, timers, storage, transport, locks, page. */
// Import order sets the script-tag bundle's layout (rollup emits modules in it): this one, measured, gzips smallest.
import { captureAttribution } from '../core/attribution';
import { pageContext } from './pageContext';
import type { Config } from '../core/options';
import type { CoreEnv, Reply } from '../core/ports';
import { landingSource } from './landingSource';
import { localState } from './localState';
import { fallbackStore } from '../core/durableQueue';
import { indexedDbQueue } from './indexedDbQueue';
import { doNotTrack } from './privacy';

const attribution = () => captureAttribution(new URLSearchParams(location.search) as unknown as Iterable<[string, string]>);

/**
 * The transport and the locks are written here, as closures over `cfg` and `name`, rather than made by factories of
 * their own: terser inlines a factory called once and keeps its argument in a `var` of this function (gzip bytes).
 */
export function browserEnv(cfg: Config): CoreEnv {
  // Queue and lock are per write key: events must go out with the key of the app that recorded them.
  const name = 'hc_q' + cfg.writeKey;
  const kv = localState(cfg.memory);
  // Members in the order that gzips smallest (measured; none has side effects when made).
  return {
    // `storage: memory` never asks (the core), so it shares nothing with other tabs, its session starts included.
    lockNames: () =>
      navigator.locks?.query().then(
        // A snapshot always lists what is held, and a lock always has a name (the types make both optional).
        (state) =>
          state
            .held!.map((l) => l.name!)
            .filter((held) => held.startsWith(name + '['))
            .map((held) => held.slice(name.length)),
        () => [],
      ),
    mono: () => performance.now(),
    visible: () => !document.hidden,
    clock: Date.now,
    ctx: pageContext(),
    queue: fallbackStore(!cfg.memory && indexedDbQueue(name), kv, name),
    kv,
    connected: () => navigator.onLine,
    // Web Locks, where `fn` runs unlocked when they are missing or refuse (the callers cope). The functions run under a
    // lock never reject, so a rejection here is a refused request.
    lock: async (key, fn) => navigator.locks?.request(name + key, fn).catch(fn) ?? fn(),
    say: cfg.verbose ? console.log.bind(console, '[headcount]') : () => {},
    // Beyond 2^31 ms setTimeout fires at once; a huge Retry-After or idleTimeout must not spin.
    later: (fn, ms) => clearTimeout.bind(null, setTimeout(fn, Math.min(ms, 2e9))),
    attribution,
    rand: Math.random,
    source: landingSource(attribution()),
    // POST {host}/v1/batch as text/plain (a CORS "simple" request: no preflight), the write key in the body. A hung
    // request would hold the sender lock for every tab: give up after 30 s and retry. Unload sends use fetch keepalive;
    // when that is refused, sendBeacon takes the same body. Keys in the order that gzips smallest (measured).
    send: (body, keepalive) =>
      fetch(cfg.endpoint, { keepalive, method: 'POST', body, signal: AbortSignal.timeout?.(3e4) }).then(
        async (r): Promise<Reply> => [r.status, await r.json().catch(() => undefined), r.headers.get('Retry-After')],
        (e) => {
          if (keepalive && navigator.sendBeacon(cfg.endpoint, body)) return undefined;
          throw e;
        },
      ),
    dnt: cfg.honourDnt && doNotTrack(),
  };
}
