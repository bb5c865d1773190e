import { randomUUID } from 'node:crypto';
import type { Database, ListenHooks } from '../storage/database';
import type { Logger } from '../logger';
import { paceTask } from './paceTask';

/** The NOTIFY channel on which collectors announce that an app's sessions changed; the payload starts with the app id. */
export const ACTIVITY_CHANNEL = 'headcount_activity';

// Our own notifications carry this process's token after a tab, so we skip their echo; a bare app id is honoured too.
const SEPARATOR = '\t';

// Batches a burst of commits into one NOTIFY statement; other processes pace their recounts anyway.
const PUBLISH_INTERVAL_MS = 50;

// A payload naming no app: listeners ignore it, its sender learns that its LISTEN still works.
const PROBE = '';

export interface ActivityChannel {
  /** Tells the other collector processes that these apps' sessions changed (PostgreSQL only; PGlite is one process). */
  publish(appIds: Iterable<string>): void;
  /** Sends a notification that only proves, when it comes back, that our LISTEN connection still works. */
  probe(): void;
  /**
   * Calls `onActivity` for every notification (`fromSelf` for our own echoes); resolves to an unsubscribe.
   * A dropped connection re-listens by itself: `hooks.onUp` says notifications may have been missed.
   */
  listen(onActivity: (appId: string, fromSelf: boolean) => void, hooks?: ListenHooks): Promise<() => Promise<void>>;
  /** Sends what is still queued. */
  flush(): Promise<void>;
}

export function createActivityChannel(db: Database, log: Logger): ActivityChannel {
  const token = randomUUID();
  const queued = new Set<string>();
  async function send(): Promise<void> {
    if (queued.size === 0) return;
    const payloads = [...queued].map((appId) => `${appId}${SEPARATOR}${token}`);
    queued.clear();
    try {
      await db.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [ACTIVITY_CHANNEL, payloads]);
    } catch (err) {
      // Other processes still catch up on their periodic resync.
      log('warn', 'could not notify other collectors', { error: String(err) });
    }
  }
  const sender = paceTask(send, PUBLISH_INTERVAL_MS);

  return {
    publish(appIds) {
      if (db.kind !== 'postgres') return;
      for (const appId of appIds) queued.add(appId);
      if (queued.size > 0) sender.request();
    },
    probe() {
      if (db.kind !== 'postgres') return;
      queued.add(PROBE);
      sender.request();
    },
    listen(onActivity, hooks) {
      return db.listen(ACTIVITY_CHANNEL, (payload) => {
        const [appId = '', from] = payload.split(SEPARATOR);
        onActivity(appId, from === token);
      }, hooks);
    },
    async flush() {
      sender.stop();
      await sender.idle();
      await send();
    },
  };
}
