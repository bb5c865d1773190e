import type { App } from '../apps/appsRepository';
import { intakeEvents } from '../domain/intakeEvents';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { HttpError } from '../http/errors';
import { DEAD_LETTER_DAYS, type StoredDeadLetter } from '../storage/deadLetterRepository';
import { ingestRequest, type IngestPipeline } from './ingestRequest';
import { requestEvents, type Endpoint } from './requestEvents';

export interface ReplayOutcome {
  /** Entries that left the store: their events are now stored (or were already). */
  replayed: number;
  accepted: number;
  duplicates: number;
  /** Entries rejected again, kept with the new verdict. */
  stillRejected: number;
}

const PAGE = 500;

/** The events of one kept event entry as it was first received (its request's facts included). */
function intakeEntry(entry: StoredDeadLetter) {
  let body: unknown;
  try {
    body = JSON.parse(entry.body);
  } catch {
    return { error: { code: 'invalid_json', message: 'the kept body is not JSON' } };
  }
  const intake = intakeEvents([body], {
    receivedAt: entry.receivedAt,
    ip: entry.facts.ip,
    upstreamReceipt: entry.facts.upstreamReceipt ?? false,
    sentAt: entry.facts.sentAt,
    context: entry.facts.context,
  });
  const [rejected] = intake.rejected;
  return rejected ? { error: rejected.error } : { event: intake.valid[0] as NormalizedEvent };
}

/**
 * Re-ingests an app's dead-letter store through the same pipeline as a live request (after a fix,
 * or an upgrade that accepts more): what is accepted now leaves the store, deduplicated as usual;
 * what is still rejected stays, with the new reason.
 */
export async function replayRejected(deps: IngestPipeline, app: App, now: Date): Promise<ReplayOutcome> {
  const outcome: ReplayOutcome = { replayed: 0, accepted: 0, duplicates: 0, stillRejected: 0 };
  const since = new Date(now.getTime() - DEAD_LETTER_DAYS * 86_400_000);
  let after: string | undefined;
  for (;;) {
    const page = await deps.deadLetters.list({ appId: app.id, limit: PAGE, after, since });
    const done: string[] = [];
    const events: NormalizedEvent[] = [];
    const entryOf = new Map<NormalizedEvent, StoredDeadLetter>();
    for (const entry of page.items) {
      if (entry.kind !== 'event') {
        if (await replayBody(deps, app, entry, outcome)) done.push(entry.id);
        continue;
      }
      const result = intakeEntry(entry);
      if (result.event) {
        events.push(result.event);
        entryOf.set(result.event, entry);
      } else {
        await deps.deadLetters.reject(app.id, entry.id, result.error.code, result.error.message);
        outcome.stillRejected++;
      }
    }
    const written = await deps.ingest.write(app, events);
    outcome.accepted += written.accepted;
    outcome.duplicates += written.duplicates;
    const refused = new Set(written.refused.map((r) => r.event));
    for (const { event, error } of written.refused) {
      await deps.deadLetters.reject(app.id, (entryOf.get(event) as StoredDeadLetter).id, error.code, error.message);
      outcome.stillRejected++;
    }
    for (const event of events) if (!refused.has(event)) done.push((entryOf.get(event) as StoredDeadLetter).id);
    outcome.replayed += await deps.deadLetters.remove(app.id, done);
    if (!page.next) return outcome;
    after = page.next;
  }
}

/** A whole body that could not be read: read again, and when it now can, ingested like a live request. */
async function replayBody(deps: IngestPipeline, app: App, entry: StoredDeadLetter, outcome: ReplayOutcome): Promise<boolean> {
  const endpoint = entry.kind as Endpoint;
  let body: unknown;
  try {
    body = JSON.parse(entry.body);
    requestEvents(body, endpoint);
  } catch (err) {
    const error = err instanceof HttpError ? err : new HttpError(400, 'invalid_json', 'the kept body is not JSON');
    await deps.deadLetters.reject(app.id, entry.id, error.code, error.message);
    outcome.stillRejected++;
    return false;
  }
  // Events of the body that are still rejected become entries of their own.
  const answer = await ingestRequest(deps, app, {
    endpoint,
    raw: entry.body,
    body: () => body,
    receivedAt: entry.receivedAt,
    ip: entry.facts.ip,
    upstreamReceipt: entry.facts.upstreamReceipt ?? false,
  });
  outcome.accepted += answer.accepted;
  outcome.duplicates += answer.duplicates;
  outcome.stillRejected += answer.rejected.length;
  return true;
}
