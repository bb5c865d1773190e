/**
 * Script-tag entry (dist/headcount.js): options from the tag's data-* attributes, then the calls
 * the pre-load stub queued are replayed and `window.headcount` becomes the client.
 */
import type { HeadcountClient, HeadcountOptions } from './core/api';
import { createHeadcount } from './index';

type Stub = { q?: Array<[string, unknown[]]> };

const w = window as unknown as { headcount?: Stub | HeadcountClient };
const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset || {};

const client = createHeadcount({
  writeKey: data.writeKey!,
  // Default: the collector that served this script.
  host: data.host ?? (script && new URL(script.src, location.href).origin),
  kiosk: data.kiosk,
  idleTimeout: data.idleTimeout,
  maxSessionDuration: data.maxSession,
  autoPageviews: data.autoPageviews,
  trackClicks: data.trackClicks,
  batchSize: data.batchSize,
  flushInterval: data.flushInterval,
  respectDoNotTrack: data.respectDnt,
  debug: data.debug,
} as unknown as HeadcountOptions);

const queued = (w.headcount as Stub | undefined)?.q || [];
w.headcount = client;
for (const [name, args] of queued) {
  try {
    (client as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
  } catch {}
}
