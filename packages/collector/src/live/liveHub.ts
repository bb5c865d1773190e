import { performance } from 'node:perf_hooks';
import type { App } from '../apps/appsRepository';
import type { Logger } from '../logger';
import type { Database } from '../storage/database';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { countActiveUsers, type ActiveCount } from './activeUsers';
import { createActivityChannel } from './activityChannel';
import { countMayChange } from './countMayChange';
import { paceTask, type PacedTask } from './paceTask';

export interface LiveOptions {
  /** A quiet SSE stream repeats its count this often (an `active` event, which EventSource hands to the page; comments it hides). */
  heartbeatMs: number;
  /** Reconnection delay suggested to EventSource clients (`retry:`). */
  retryMs: number;
  /** Least time between two recounts of one app, however many changes arrive (and never less than 9 times the last one took). */
  minRecountMs: number;
  /** Every watched app is recounted this often anyway: the safety net for a lost NOTIFY or a clock jump. */
  resyncMs: number;
  /** Poll period while PostgreSQL LISTEN is down, so processes still agree within 2 s. */
  pollWithoutListenMs: number;
  /** An app only read with `GET /v1/active` (no stream) keeps its count in memory this long after the last read. */
  readHoldMs: number;
  /** Open SSE streams allowed per client address (429 beyond). */
  maxStreamsPerAddress: number;
  /** Open SSE streams allowed per app in this process (429 beyond). */
  maxStreamsPerApp: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  heartbeatMs: 15_000,
  retryMs: 3000,
  minRecountMs: 25,
  resyncMs: 5000,
  pollWithoutListenMs: 1000,
  readHoldMs: 60_000,
  maxStreamsPerAddress: 100,
  maxStreamsPerApp: 10_000,
};

/** Someone following an app's count (an SSE stream). */
export interface LiveWatcher {
  /** The count changed (or is known for the first time). */
  update(count: ActiveCount): void;
  /** The collector is shutting down. */
  end(): void;
}

export interface LiveHub {
  readonly options: LiveOptions;
  /** The app's count now: the shared one when nothing changed since it was taken, else one recount shared by every reader. */
  current(app: App): Promise<ActiveCount>;
  /** Follows the app's count: the latest known one at once, then each change. Returns the unsubscribe. */
  watch(app: App, watcher: LiveWatcher): () => void;
  /**
   * This process committed changes to these apps' sessions; with the events written, apps whose count they
   * cannot change (visitors already counted, on the same page) are neither recounted nor announced.
   */
  activity(appIds: ReadonlySet<string>, written?: ReadonlyArray<{ app: { id: string }; events: readonly NormalizedEvent[] }>): void;
  /** Ends every watcher (SSE streams end, so the HTTP server can close). */
  endWatchers(): void;
  /** Stops recounts and LISTEN, and sends the NOTIFYs still queued; call after ingest drained. */
  close(): Promise<void>;
}

/**
 * One app's shared count: one recount per change burst, whatever the number of watchers and readers.
 * With watchers, changes are recounted at once (paced); an app only read is recounted when read after a change.
 */
interface Watched {
  app: App;
  watchers: Set<LiveWatcher>;
  last: ActiveCount | undefined;
  /** Recounts asked for, and the latest of them a finished recount covers: equal means `last` is current. */
  requested: number;
  covered: number;
  recount: PacedTask;
  /** A recount is running: its answer may predate events, so none of them can be judged against `last`. */
  counting: boolean;
  /** The `requested` the running recount covers. */
  countingCovers: number;
  /** How long the last recount took: recounts of a big app pause longer, so they never take over a connection. */
  lastRecountMs: number;
  dropTimer: NodeJS.Timeout | undefined;
  /** Reads (`current`) waiting for a recount that covers the changes they know of. */
  readers: Array<{ covers: number; resolve: (count: ActiveCount) => void; reject: (err: unknown) => void }>;
  /** Date.now() of the latest read, or of the last watcher leaving: an app nobody asks about any more leaves memory. */
  readAt: number;
}

export interface LiveHubDeps {
  db: Database;
  now: () => Date;
  log: Logger;
  options?: Partial<LiveOptions>;
}

export function createLiveHub({ db, now, log, options }: LiveHubDeps): LiveHub {
  const opts: LiveOptions = { ...DEFAULT_LIVE_OPTIONS };
  // An option left undefined (a config that does not set it) keeps its default.
  for (const [key, value] of Object.entries(options ?? {})) if (value !== undefined) opts[key as keyof LiveOptions] = value;
  const shared = db.kind === 'postgres';
  const channel = createActivityChannel(db, log);
  const watched = new Map<string, Watched>();
  let closed = false;
  let tick: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let listening: Promise<void> | undefined;
  let probeSentAt = 0;
  let lastEchoAt = 0;
  // The LISTEN connection dropped and the database is re-establishing it: poll until it is back.
  let listenDown = false;
  const hearing = () => Boolean(unlisten) && !listenDown;

  /** Marks the count stale; it is recounted now if someone follows it or waits for it, else at the next read. */
  function requestRecount(entry: Watched): void {
    entry.requested++;
    if (entry.watchers.size > 0 || entry.readers.length > 0) entry.recount.request();
  }

  function isFresh(entry: Watched): entry is Watched & { last: ActiveCount } {
    const last = entry.last;
    return Boolean(last) && entry.covered === entry.requested
      // Without LISTEN, other processes' changes go unnoticed between polls.
      && (!shared || hearing())
      && (!last!.nextDropAt || now() < last!.nextDropAt);
  }

  async function recount(entry: Watched): Promise<void> {
    const covers = entry.requested;
    let count: ActiveCount;
    entry.counting = true;
    entry.countingCovers = covers;
    const started = performance.now();
    try {
      count = await countActiveUsers(db, entry.app.id, entry.app.activeWindowSeconds, now());
      entry.lastRecountMs = performance.now() - started;
    } catch (err) {
      log('warn', 'active users recount failed', { appId: entry.app.id, error: String(err) });
      for (const reader of entry.readers.splice(0)) reader.reject(err);
      return;
    } finally {
      entry.counting = false;
    }
    entry.covered = Math.max(entry.covered, covers);
    const waiting = entry.readers;
    entry.readers = waiting.filter((reader) => reader.covers > covers);
    for (const reader of waiting) if (reader.covers <= covers) reader.resolve(count);
    if (entry.readers.length > 0) entry.recount.request();
    if (closed || watched.get(entry.app.id) !== entry) return;
    scheduleDrop(entry, count);
    const changed = !entry.last || !sameSnapshot(entry.last, count);
    entry.last = count;
    if (changed) for (const watcher of entry.watchers) watcher.update(count);
  }

  function track(app: App): Watched {
    let entry = watched.get(app.id);
    if (!entry) {
      const created: Watched = {
        app, watchers: new Set(), last: undefined, requested: 1, covered: 0, counting: false, countingCovers: 0, lastRecountMs: 0, dropTimer: undefined,
        readers: [], readAt: Date.now(),
        // At most a tenth of the time spent recounting one app, however busy it is.
        recount: paceTask(() => recount(created), () => Math.max(opts.minRecountMs, 3 * created.lastRecountMs)),
      };
      entry = created;
      watched.set(app.id, entry);
      ensureListening();
      scheduleTick();
    } else if (entry.app.activeWindowSeconds !== app.activeWindowSeconds) {
      entry.app = app;
      requestRecount(entry);
    }
    return entry;
  }

  /** Apps nobody follows or has read for a while leave memory. */
  function evictUnread(): void {
    const oldest = Date.now() - opts.readHoldMs;
    for (const entry of [...watched.values()]) {
      if (entry.watchers.size === 0 && entry.readers.length === 0 && entry.readAt < oldest) unwatch(entry);
    }
  }

  /** Windows expire with nobody sending anything: recount when the oldest counted visitor leaves it. */
  function scheduleDrop(entry: Watched, count: ActiveCount): void {
    clearTimeout(entry.dropTimer);
    entry.dropTimer = undefined;
    if (!count.nextDropAt) return;
    // +1 ms: the database keeps microseconds, our clock milliseconds.
    const delay = Math.max(0, count.nextDropAt.getTime() - now().getTime() + 1);
    entry.dropTimer = setTimeout(() => requestRecount(entry), delay);
    entry.dropTimer.unref();
  }

  function onNotification(appId: string, fromSelf: boolean): void {
    if (fromSelf) {
      lastEchoAt = Date.now();
      return;
    }
    const entry = watched.get(appId);
    if (entry) requestRecount(entry);
  }

  function ensureListening(): void {
    if (!shared || closed || unlisten || listening) return;
    listening = channel.listen(onNotification, { onDown: onListenDown, onUp: onListenUp }).then(
      (stop) => {
        if (closed) return void stop().catch(() => {});
        unlisten = stop;
        probeSentAt = 0;
        // Whatever other processes did while we were not listening is caught up now.
        for (const entry of watched.values()) requestRecount(entry);
        // The tick armed while not listening polled every pollWithoutListenMs: back to the resync period.
        clearTimeout(tick);
        tick = undefined;
        scheduleTick();
      },
      (err) => log('warn', 'LISTEN failed; polling the live counts instead', { error: String(err) }),
    ).finally(() => {
      listening = undefined;
    });
  }

  function onListenDown(): void {
    listenDown = true;
    clearTimeout(tick);
    tick = undefined;
    scheduleTick();
  }

  /** Notifications sent while LISTEN was down are lost: recount everything at once. */
  function onListenUp(): void {
    listenDown = false;
    probeSentAt = 0;
    for (const entry of watched.values()) requestRecount(entry);
  }

  /** A LISTEN connection can die quietly: our own probe not coming back is how we notice. */
  function checkListening(): void {
    if (!unlisten) return ensureListening();
    if (listenDown) return;
    if (probeSentAt > lastEchoAt) {
      log('warn', 'LISTEN stopped answering; listening again');
      const stale = unlisten;
      unlisten = undefined;
      void stale().catch(() => {});
      return ensureListening();
    }
    probeSentAt = Date.now();
    channel.probe();
  }

  function scheduleTick(): void {
    if (tick || closed || watched.size === 0) return;
    tick = setTimeout(() => {
      tick = undefined;
      evictUnread();
      if (closed || watched.size === 0) return;
      for (const entry of watched.values()) requestRecount(entry);
      if (shared) checkListening();
      scheduleTick();
    }, shared && !hearing() ? Math.min(opts.pollWithoutListenMs, opts.resyncMs) : opts.resyncMs);
    tick.unref();
  }

  function endWatchers(): void {
    for (const entry of [...watched.values()]) for (const watcher of [...entry.watchers]) watcher.end();
  }

  function unwatch(entry: Watched): void {
    entry.recount.stop();
    for (const reader of entry.readers.splice(0)) reader.reject(new Error('the live count stopped (shutdown)'));
    clearTimeout(entry.dropTimer);
    if (watched.get(entry.app.id) === entry) watched.delete(entry.app.id);
  }

  return {
    options: opts,

    async current(app) {
      if (closed) return countActiveUsers(db, app.id, app.activeWindowSeconds, now());
      const entry = track(app);
      entry.readAt = Date.now();
      if (isFresh(entry)) return entry.last;
      return new Promise<ActiveCount>((resolve, reject) => {
        entry.readers.push({ covers: entry.requested, resolve, reject });
        // A recount under way that covers every change known will answer this reader too.
        if (!entry.counting || entry.countingCovers < entry.requested) entry.recount.request();
      });
    },

    watch(app, watcher) {
      const entry = track(app);
      entry.watchers.add(watcher);
      if (isFresh(entry)) watcher.update(entry.last);
      else entry.recount.request();
      return () => {
        entry.watchers.delete(watcher);
        // Kept for a while: a reconnecting client (or a reader) finds the count still in memory.
        if (entry.watchers.size === 0) entry.readAt = Date.now();
      };
    },

    activity(appIds, written) {
      const changed = [...appIds].filter((appId) => {
        const entry = watched.get(appId);
        if (!entry || !written || !isFresh(entry) || entry.counting) return true;
        return written.some((request) => request.app.id === appId && request.events.some((event) => countMayChange(entry.last, event)));
      });
      channel.publish(changed);
      if (closed) return;
      for (const appId of changed) {
        const entry = watched.get(appId);
        if (entry) requestRecount(entry);
      }
    },

    endWatchers,

    async close() {
      closed = true;
      endWatchers();
      clearTimeout(tick);
      const entries = [...watched.values()];
      for (const entry of entries) unwatch(entry);
      await Promise.all(entries.map((entry) => entry.recount.idle()));
      await listening;
      await unlisten?.().catch(() => {});
      unlisten = undefined;
      await channel.flush();
    },
  };
}

/** Two counts every client would display the same, whatever path it follows. */
function sameSnapshot(a: ActiveCount, b: ActiveCount): boolean {
  if (a.activeUsers !== b.activeUsers || a.windowSeconds !== b.windowSeconds || a.pages.size !== b.pages.size) return false;
  for (const [path, n] of a.pages) if (b.pages.get(path) !== n) return false;
  return true;
}
