import type { App } from '../apps/appsRepository';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { isConnectionError, type Database } from '../storage/database';
import { createGroupCommit } from './groupCommit';
import { writeEvents, type WriteRequest, type WriteResult } from './writeEvents';

export interface IngestService {
  /** Resolves once the events are committed (never before): the HTTP answer may then say 200. */
  write(app: App, events: NormalizedEvent[]): Promise<WriteResult>;
  /** Waits for writes in flight (graceful shutdown). */
  drain(): Promise<void>;
}

export interface IngestOptions {
  /** Called after a commit with the apps whose data changed (the live count listens). */
  onCommitted?: (appIds: ReadonlySet<string>) => void;
}

// Enough to keep a transaction short while letting hundreds of queued single-event requests share it.
const MAX_EVENTS_PER_COMMIT = 5000;

export function createIngestService(db: Database, options: IngestOptions = {}): IngestService {
  const commit = async (requests: WriteRequest[]) => {
    const results = await db.transaction((tx) => writeEvents(tx, requests));
    options.onCommitted?.(new Set(requests.map((r) => r.app.id)));
    return results;
  };
  const commits = createGroupCommit<WriteRequest & { size: number }, WriteResult>(
    async (requests) => {
      try {
        const results = await commit(requests);
        return results.map((value) => ({ status: 'fulfilled', value }) as const);
      } catch (err) {
        // A request the database refuses must not fail the others that shared its commit: retry each alone.
        if (requests.length === 1 || isConnectionError(err)) throw err;
        return Promise.allSettled(requests.map(async (request) => (await commit([request]))[0] as WriteResult));
      }
    },
    // PGlite has one connection; on PostgreSQL a few commits in flight keep the pool and the disk busy.
    { concurrency: db.kind === 'pglite' ? 1 : 4, maxGroupSize: MAX_EVENTS_PER_COMMIT },
  );
  return {
    async write(app, events) {
      if (events.length === 0) return { accepted: 0, duplicates: 0 };
      return commits.submit({ app, events, size: events.length });
    },
    drain: () => commits.drain(),
  };
}
