import type { EventError } from '@headcount/schema';
import type { App } from '../apps/appsRepository';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { isConnectionError, type Database } from '../storage/database';
import { createGroupCommit } from './groupCommit';
import { isRefusalOfData } from './isRefusalOfData';
import { writeEvents, type WriteRequest, type WriteResult } from './writeEvents';

/** A request's outcome: its counts, and the valid events the database still refused (each alone). */
export interface IngestResult extends WriteResult {
  refused: Array<{ event: NormalizedEvent; error: EventError }>;
}

export interface IngestService {
  /** Resolves once the events are committed (never before): the HTTP answer may then say 200. */
  write(app: App, events: NormalizedEvent[]): Promise<IngestResult>;
  /** Waits for writes in flight (graceful shutdown). */
  drain(): Promise<void>;
  /** How long the oldest commit in flight has been running, in ms (a stuck writer fails /healthz). */
  oldestCommitAgeMs(): number;
}

export interface IngestOptions {
  /** Called after a commit with the apps whose data changed and what was written (the live count listens). */
  onCommitted?: (appIds: ReadonlySet<string>, requests: readonly WriteRequest[]) => void;
  /** Most events waiting for a commit before a write is refused as overloaded (default: the group commit's). */
  maxQueuedEvents?: number;
}

// Enough to keep a transaction short while letting hundreds of queued single-event requests share it.
const MAX_EVENTS_PER_COMMIT = 5000;

const refusal = (err: unknown): EventError => ({
  code: 'unstorable',
  message: `the database refused this event: ${err instanceof Error ? err.message : String(err)}`,
});

export function createIngestService(db: Database, options: IngestOptions = {}): IngestService {
  const commit = async (requests: WriteRequest[]) => {
    const results = await db.transaction((tx) => writeEvents(tx, requests));
    options.onCommitted?.(new Set(requests.map((r) => r.app.id)), requests);
    return results;
  };

  /**
   * One request on its own. When the database refuses it for its data, halves are committed on their
   * own until the event it refuses stands alone, so every other event is still stored and acknowledged.
   */
  async function isolate(request: WriteRequest): Promise<IngestResult> {
    try {
      return { ...(await commit([request]))[0] as WriteResult, refused: [] };
    } catch (err) {
      if (!isRefusalOfData(err)) throw err;
      const [only] = request.events;
      if (request.events.length === 1 && only) return { accepted: 0, duplicates: 0, refused: [{ event: only, error: refusal(err) }] };
      const half = Math.ceil(request.events.length / 2);
      const first = await isolate({ app: request.app, events: request.events.slice(0, half) });
      const second = await isolate({ app: request.app, events: request.events.slice(half) });
      return {
        accepted: first.accepted + second.accepted,
        duplicates: first.duplicates + second.duplicates,
        refused: [...first.refused, ...second.refused],
      };
    }
  }

  const commits = createGroupCommit<WriteRequest & { size: number }, IngestResult>(
    async (requests) => {
      try {
        const results = await commit(requests);
        return results.map((value) => ({ status: 'fulfilled', value: { ...value, refused: [] } }) as const);
      } catch (err) {
        // What the database refuses must not fail the requests and events that shared its commit.
        if (isConnectionError(err)) throw err;
        const results: Array<PromiseSettledResult<IngestResult>> = [];
        for (const request of requests) {
          try {
            results.push({ status: 'fulfilled', value: await isolate(request) });
          } catch (reason) {
            results.push({ status: 'rejected', reason });
          }
        }
        return results;
      }
    },
    // PGlite has one connection. On PostgreSQL two commits in flight keep it busy (one is written while the other
    // waits for its flush) and the next group grows meanwhile; with four, groups were smaller and each event cost
    // more (single-event requests: 1,203-1,438 -> 1,700-1,959 events/s, PostgreSQL 417 -> 283-290 µs per event).
    // Measured on a local disk; a group refused for its data is retried request by request inside its slot, so
    // while that runs the other slot carries ingest alone.
    { concurrency: db.kind === 'pglite' ? 1 : 2, maxGroupSize: MAX_EVENTS_PER_COMMIT, maxQueuedSize: options.maxQueuedEvents },
  );
  return {
    async write(app, events) {
      if (events.length === 0) return { accepted: 0, duplicates: 0, refused: [] };
      return commits.submit({ app, events, size: events.length });
    },
    drain: () => commits.drain(),
    oldestCommitAgeMs: () => commits.oldestFlushAgeMs(),
  };
}
