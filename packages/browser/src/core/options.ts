/** Turns the public options (seconds, loose types from data-* attributes) into the core's settings (ms). */
import type { HeadcountOptions } from './api';

export interface Config {
  writeKey: string;
  /** `{host}/v1/batch`. */
  url: string;
  kiosk: boolean;
  idle: number;
  maxDuration: number;
  autoPageviews: boolean;
  trackClicks: boolean;
  batchSize: number;
  flushInterval: number;
  maxQueue: number;
  respectDoNotTrack: boolean;
  memory: boolean;
  debug: boolean;
}

/** A number option, or its default when absent or not a number, never below `min`. */
const num = (value: unknown, fallback: number, min: number): number =>
  Math.max(min, value != null && value !== '' && +value === +value ? +value : fallback);

/** Booleans also come as attribute strings: present means true, except `"false"` and `"0"`. */
const flag = (value: unknown, fallback: boolean): boolean => (value == null ? fallback : !/^(false|0)$/.test(String(value)));

export function configure(o: HeadcountOptions): Config {
  const kiosk = flag(o.kiosk, false);
  return {
    writeKey: o.writeKey,
    url: String(o.host || '').replace(/\/+$/, '') + '/v1/batch',
    kiosk,
    idle: num(o.idleTimeout, kiosk ? 60 : 1800, 1) * 1e3,
    maxDuration: num(o.maxSessionDuration, 43200, 1) * 1e3,
    autoPageviews: flag(o.autoPageviews, true),
    trackClicks: flag(o.trackClicks, false),
    batchSize: Math.min(num(o.batchSize, 20, 1), 2500),
    flushInterval: num(o.flushInterval, 2, 0) * 1e3,
    maxQueue: num(o.maxQueue, 1e4, 1),
    respectDoNotTrack: flag(o.respectDoNotTrack, false),
    memory: o.storage === 'memory',
    debug: flag(o.debug, false),
  };
}
