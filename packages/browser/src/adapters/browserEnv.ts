/** Assembles the core's environment from the browser: clocks, timers, storage, transport, locks, page. */
import { captureAttribution } from '../core/attribution';
import { fallbackStore } from '../core/durableQueue';
import type { Config } from '../core/options';
import type { CoreEnv } from '../core/ports';
import { fetchTransport } from './fetchTransport';
import { indexedDbQueue } from './indexedDbQueue';
import { localState } from './localState';
import { pageContext } from './pageContext';
import { doNotTrack } from './privacy';
import { landingSource } from './landingSource';
import { heldLocks, webLock } from './webLocks';

const attribution = () => captureAttribution(new URLSearchParams(location.search) as unknown as Iterable<[string, string]>);

export function browserEnv(cfg: Config): CoreEnv {
  // Queue and lock are per write key: events must go out with the key of the app that recorded them.
  const name = 'hc_q' + cfg.writeKey;
  const kv = localState(cfg.memory);
  return {
    clock: Date.now,
    mono: () => performance.now(),
    // Beyond 2^31 ms setTimeout fires at once; a huge Retry-After or idleTimeout must not spin.
    later: (fn, ms) => clearTimeout.bind(null, setTimeout(fn, Math.min(ms, 2e9))),
    rand: Math.random,
    kv,
    queue: fallbackStore(!cfg.memory && indexedDbQueue(name), kv, name),
    send: fetchTransport(cfg.url),
    lock: webLock(name),
    // `storage: memory` shares nothing with other tabs, its session starts included.
    lockNames: cfg.memory ? () => undefined : heldLocks(name),
    visible: () => !document.hidden,
    connected: () => navigator.onLine,
    ctx: pageContext(),
    attribution,
    source: landingSource(attribution()),
    dnt: cfg.honourDnt && doNotTrack(),
    say: cfg.verbose ? console.log.bind(console, '[headcount]') : () => {},
  };
}
