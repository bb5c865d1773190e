/** Assembles the core's environment from the browser: clocks, timers, storage, transport, locks, page. */
import { captureAttribution } from '../core/attribution';
import { fallbackStore, memoryStore } from '../core/durableQueue';
import type { Config } from '../core/options';
import type { CoreEnv } from '../core/ports';
import { fetchTransport } from './fetchTransport';
import { indexedDbQueue } from './indexedDbQueue';
import { localState } from './localState';
import { localStorageQueue } from './localStorageQueue';
import { pageContext } from './pageContext';
import { doNotTrack } from './privacy';
import { landingSource } from './landingSource';
import { webLock } from './webLocks';

const attribution = () => captureAttribution(new URLSearchParams(location.search) as unknown as Iterable<[string, string]>);

export function browserEnv(cfg: Config): CoreEnv {
  // Queue and lock are per write key: events must go out with the key of the app that recorded them.
  const name = 'hc_q' + cfg.writeKey;
  return {
    now: Date.now,
    mono: () => performance.now(),
    later(fn, ms) {
      // Beyond 2^31 ms setTimeout fires at once; a huge Retry-After or idleTimeout must not spin.
      const t = setTimeout(fn, Math.min(ms, 2e9));
      return () => clearTimeout(t);
    },
    random: Math.random,
    kv: localState(cfg.memory),
    queue: cfg.memory ? memoryStore() : fallbackStore(indexedDbQueue(undefined, name), localStorageQueue(name)),
    send: fetchTransport(cfg.url),
    lock: webLock(name),
    visible: () => document.visibilityState != 'hidden',
    online: () => navigator.onLine,
    context: pageContext(),
    attribution,
    source: () => landingSource(attribution()),
    dnt: cfg.honourDnt && doNotTrack(),
    log: cfg.verbose ? console.log.bind(console, '[headcount]') : () => {},
  };
}
