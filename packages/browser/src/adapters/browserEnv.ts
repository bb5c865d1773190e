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
import { webLock } from './webLocks';

export function browserEnv(cfg: Config): CoreEnv {
  return {
    now: Date.now,
    mono: () => performance.now(),
    later(fn, ms) {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    },
    random: Math.random,
    kv: localState(cfg.memory),
    queue: cfg.memory ? memoryStore() : fallbackStore(indexedDbQueue(), fallbackStore(localStorageQueue(), memoryStore())),
    send: fetchTransport(cfg.url),
    lock: webLock('headcount'),
    visible: () => document.visibilityState != 'hidden',
    online: () => navigator.onLine,
    context: pageContext(),
    attribution: () => captureAttribution(new URLSearchParams(location.search) as unknown as Iterable<[string, string]>),
    dnt: cfg.respectDoNotTrack && doNotTrack(),
    log: cfg.debug ? console.log.bind(console, '[headcount]') : () => {},
  };
}
