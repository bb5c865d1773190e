/** npm entry: `createHeadcount(options)` wires the DOM-free core to the browser adapters. */
import { watchActivity } from './adapters/activity';
import { browserEnv } from './adapters/browserEnv';
import { watchClicks } from './adapters/clicks';
import { watchHistory } from './adapters/history';
import { watchLifecycle } from './adapters/lifecycle';
import type { HeadcountClient, HeadcountOptions } from './core/api';
import { createCore } from './core/client';
import { configure } from './core/options';

export type {
  DropInfo,
  HeadcountClient,
  HeadcountEvents,
  HeadcountOptions,
  HeadcountStatus,
  SendInfo,
  SessionEndInfo,
  SessionStartInfo,
} from './core/api';

type Method = (...args: unknown[]) => unknown;

/** A client that does nothing: what you get where there is no browser (SSR) or setup failed. */
function inertClient(): HeadcountClient {
  const noop = () => {};
  return {
    track: noop,
    page: noop,
    identify: noop,
    alias: noop,
    reset: noop,
    startSession: noop,
    endSession: noop,
    flush: async () => {},
    optOut: noop,
    optIn: noop,
    on: () => noop,
    status: () => ({ sessionId: null, anonymousId: null, queued: 0, sent: 0, dropped: 0, online: false }),
    destroy: noop,
  };
}

export function createHeadcount(options: HeadcountOptions): HeadcountClient {
  try {
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
  } catch {
    return inertClient();
  }
}
