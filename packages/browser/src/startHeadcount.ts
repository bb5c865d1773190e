/** Wires the DOM-free core to the browser adapters; throws where there is no browser (index.ts catches). */
// Import order sets the script-tag bundle's layout (rollup emits modules in it): this one, measured, gzips smallest.
import { DELIBERATE } from './adapters/activity';
import type { HeadcountClient, HeadcountOptions } from './core/api';
import { browserEnv } from './adapters/browserEnv';
import { watchClicks } from './adapters/clicks';
import { listen } from './adapters/listen';
import { configure } from './core/options';
import { createCore } from './core/client';
import { watchHistory } from './adapters/history';

type Method = (...args: unknown[]) => unknown;

/** A call the script tag's stub queued before the SDK loaded: method, arguments, and when it was made (ms). */
export type QueuedCall = [name: string, args: unknown[], at?: number];

export function startHeadcount(options: HeadcountOptions, queued: QueuedCall[] = []): HeadcountClient {
  const cfg = configure(options);
  const env = browserEnv(cfg);
  const core = createCore(env, cfg);
  const client = core.client;
  // destroy() stops these too. In the order that gzips smallest (measured): each listens to its own events.
  core.stops.push(
    cfg.clicks && watchClicks(client),
    // pagehide also covers pages that unload without becoming hidden first (and bfcache entries).
    listen(document, 'visibilitychange', core.visibility),
    listen(window, 'pagehide', core.unload),
    // Kiosk: deliberate input only (a hover or a script's scroll must never start a session for nobody).
    listen(window, cfg.isKiosk ? DELIBERATE : DELIBERATE + ' pointermove scroll', core.input),
    listen(window, 'online', core.reconnect),
    cfg.pageviews && watchHistory(core.autoPage),
  );
  // No call ever throws into the host page.
  for (const name in client) {
    const method = client[name as keyof HeadcountClient] as Method;
    (client as unknown as Record<string, Method>)[name] = (...args) => {
      try {
        return method(...args);
      } catch (e) {
        env.say(e);
      }
    };
  }
  // Replayed calls keep the time they were made; a bogus name from the stub must not stop the replay.
  for (const [name, args, t] of queued) core.replay(t, () => (client as unknown as Record<string, Method>)[name]?.(...args));
  return client;
}
