/** Wires the DOM-free core to the browser adapters; throws where there is no browser (index.ts catches). */
import { watchActivity } from './adapters/activity';
import { browserEnv } from './adapters/browserEnv';
import { watchClicks } from './adapters/clicks';
import { watchHistory } from './adapters/history';
import { watchLifecycle } from './adapters/lifecycle';
import type { HeadcountClient, HeadcountOptions } from './core/api';
import { createCore } from './core/client';
import { configure } from './core/options';

type Method = (...args: unknown[]) => unknown;

/** A call the script tag's stub queued before the SDK loaded: method, arguments, and when it was made (ms). */
export type QueuedCall = [name: string, args: unknown[], at?: number];

export function startHeadcount(options: HeadcountOptions, queued: QueuedCall[] = []): HeadcountClient {
  const cfg = configure(options);
  const env = browserEnv(cfg);
  const core = createCore(env, cfg);
  const client = core.client;
  const stops = [
    watchActivity(core.input, cfg.isKiosk),
    ...watchLifecycle(core),
    cfg.pageviews && watchHistory(core.autoPage),
    cfg.clicks && watchClicks(client.track),
  ];
  // A microtask later, so listeners and identify() right after creation (or the stub's replay) come first.
  if (cfg.pageviews) Promise.resolve().then(core.autoPage);
  const destroy = client.destroy;
  client.destroy = () => {
    stops.forEach((stop) => stop && stop());
    destroy();
  };
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
