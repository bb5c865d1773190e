/**
 * Script-tag entry (dist/headcount.js): options from the tag's data-* attributes, then the calls
 * the pre-load stub queued are replayed (at the time they were made) and `window.headcount` becomes the client.
 */
import type { HeadcountClient, HeadcountOptions } from './core/api';
import { startHeadcount, type QueuedCall } from './startHeadcount';

type Stub = { q?: QueuedCall[] };
/** `window` is named at each use: gzip matches the word, never a one-letter alias. */
type Global = { headcount?: Stub | HeadcountClient };

// Setup failing leaves the stub in place: calls keep queueing and nothing reaches the page.
try {
  const script = document.currentScript as HTMLScriptElement | null;
  // data-write-key, data-kiosk, data-idle-timeout, data-batch-size, data-max-queue... are the options' own names;
  // configure() also reads data-max-session and data-respect-dnt.
  (window as unknown as Global).headcount = startHeadcount(
    {
      // Default: the collector that served this script; data-host (in the dataset, spread last) overrides it.
      host: script && new URL(script.src, location.href).origin,
      ...script?.dataset,
    } as unknown as HeadcountOptions,
    ((window as unknown as Global).headcount as Stub | undefined)?.q,
  );
} catch {}
