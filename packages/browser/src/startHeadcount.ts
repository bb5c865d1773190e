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

export function startHeadcount(options: HeadcountOptions): HeadcountClient {
  const cfg = configure(options);
  const env = browserEnv(cfg);
  const core = createCore(env, cfg);
  const client = core.client;
  const stops = [
    watchActivity(core.input),
    watchLifecycle(core),
    cfg.autoPageviews && watchHistory(core.autoPage),
    cfg.trackClicks && watchClicks(client.track),
  ];
  // A microtask later, so listeners and identify() right after creation (or the stub's replay) come first.
  if (cfg.autoPageviews) Promise.resolve().then(core.autoPage);
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
        env.log(e);
      }
    };
  }
  return client;
}
