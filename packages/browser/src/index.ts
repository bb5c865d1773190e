/** npm entry: `createHeadcount(options)`, safe to call anywhere (server rendering gets an inert client). */
import type { HeadcountClient, HeadcountOptions } from './core/api';
import { startHeadcount } from './startHeadcount';

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
    return startHeadcount(options);
  } catch {
    return inertClient();
  }
}
