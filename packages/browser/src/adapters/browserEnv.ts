/** Assembles the core's environment from the browser: clocks, timers, storage, transport, locks, page. */
// Import order sets the script-tag bundle's layout (rollup emits modules in it): this one, measured, gzips smallest.
import { captureAttribution } from '../core/attribution';
import { pageContext } from './pageContext';
import type { Config } from '../core/options';
import type { CoreEnv } from '../core/ports';
import { fetchTransport } from './fetchTransport';
import { landingSource } from './landingSource';
import { localState } from './localState';
import { fallbackStore } from '../core/durableQueue';
import { heldLocks, webLock } from './webLocks';
import { indexedDbQueue } from './indexedDbQueue';
import { doNotTrack } from './privacy';

const attribution = () => captureAttribution(new URLSearchParams(location.search) as unknown as Iterable<[string, string]>);

export function browserEnv(cfg: Config): CoreEnv {
  // Queue and lock are per write key: events must go out with the key of the app that recorded them.
  const name = 'hc_q' + cfg.writeKey;
  const kv = localState(cfg.memory);
  // Members in the order that gzips smallest (measured; none has side effects when made).
  return {
    connected: () => navigator.onLine,
    rand: Math.random,
    mono: () => performance.now(),
    attribution,
    clock: Date.now,
    lock: webLock(name),
    visible: () => !document.hidden,
    dnt: cfg.honourDnt && doNotTrack(),
    ctx: pageContext(),
    say: cfg.verbose ? console.log.bind(console, '[headcount]') : () => {},
    // Beyond 2^31 ms setTimeout fires at once; a huge Retry-After or idleTimeout must not spin.
    later: (fn, ms) => clearTimeout.bind(null, setTimeout(fn, Math.min(ms, 2e9))),
    kv,
    queue: fallbackStore(!cfg.memory && indexedDbQueue(name), kv, name),
    // `storage: memory` never asks (the core), so it shares nothing with other tabs, its session starts included.
    lockNames: heldLocks(name),
    source: landingSource(attribution()),
    send: fetchTransport(cfg.endpoint),
  };
}
