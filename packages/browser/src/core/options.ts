/** Turns the public options (seconds, loose types from data-* attributes) into the core's settings (ms). */
import type { HeadcountOptions } from './api';

/** Field names differ from the options' so the script-tag build can shorten them (rollup.config.mjs). */
export interface Config {
  writeKey: string;
  /** `{host}/v1/batch`. Not `url`: events send a field of that name, so the script-tag build could not shorten it. */
  endpoint: string;
  isKiosk: boolean;
  idle: number;
  maxDuration: number;
  pageviews: boolean;
  clicks: boolean;
  perBatch: number;
  interval: number;
  cap: number;
  honourDnt: boolean;
  memory: boolean;
  verbose: boolean;
}

/** A number option, or its default when absent or not a number, never below `min`. */
const num = (value: unknown, fallback: number, min = 1): number =>
  Math.max(min, (value ?? '') !== '' && +value! === +value! ? +value! : fallback);

/** Booleans also come as attribute strings: present means true, except `"false"` and `"0"`. */
const flag = (value: unknown, fallback = false): boolean => (value == null ? fallback : !['false', '0'].includes(value + ''));

/** The options, or a script tag's data-* attributes, where `data-max-session` and `data-respect-dnt` keep their short names. */
type Settings = HeadcountOptions & { maxSession?: unknown; respectDnt?: unknown };

export function configure(o: Settings): Config {
  const kiosk = flag(o.kiosk);
  // Members in the order that gzips smallest (measured; each is computed on its own).
  return {
    endpoint: (o.host || '').replace(/\/+$/, '') + '/v1/batch',
    maxDuration: num(o.maxSessionDuration ?? o.maxSession, 43200) * 1e3,
    writeKey: o.writeKey,
    pageviews: flag(o.autoPageviews, true),
    perBatch: Math.min(num(o.batchSize, 20), 2500),
    memory: o.storage == 'memory',
    interval: num(o.flushInterval, 2, 0) * 1e3,
    verbose: flag(o.debug),
    idle: num(o.idleTimeout, kiosk ? 60 : 1800) * 1e3,
    isKiosk: kiosk,
    clicks: flag(o.trackClicks),
    honourDnt: flag(o.respectDoNotTrack ?? o.respectDnt),
    cap: num(o.maxQueue, 1e4),
  };
}
