/**
 * Script-tag entry (dist/headcount.js): options from the tag's data-* attributes, then the calls
 * the pre-load stub queued are replayed and `window.headcount` becomes the client.
 */
import type { HeadcountClient, HeadcountOptions } from './core/api';
import { startHeadcount } from './startHeadcount';

type Stub = { q?: Array<[string, unknown[]]> };
type Methods = Record<string, (...args: unknown[]) => unknown>;

// Setup failing leaves the stub in place: calls keep queueing and nothing reaches the page.
try {
  const w = window as unknown as { headcount?: Stub | HeadcountClient };
  const script = document.currentScript as HTMLScriptElement | null;
  const data = script?.dataset || {};
  const client = startHeadcount({
    writeKey: data.writeKey,
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
  // Client methods already catch; a bogus name from the stub must not stop the replay either.
  for (const [name, args] of queued) (client as unknown as Methods)[name]?.(...args);
} catch {}
