import { MAX_EVENT_DEPTH, maxJsonDepth, type IngestResponse } from '@headcount/schema';
import type { App } from '../apps/appsRepository';
import { intakeEvents, type Intake, type Rejection } from '../domain/intakeEvents';
import { HttpError } from '../http/errors';
import type { DeadLetterRepository } from '../storage/deadLetterRepository';
import { deadLetterEntries, unreadableBodyEntry, type BatchFacts } from './deadLetterEntries';
import type { IngestService } from './ingestService';
import { requestEvents, type Endpoint } from './requestEvents';

export interface IngestPipeline {
  ingest: IngestService;
  deadLetters: DeadLetterRepository;
}

/** One request as it arrived, whatever the path. */
export interface IncomingRequest {
  endpoint: Endpoint;
  /**
   * The body as received (JSON text, unless it could not be read): its bytes, or its text when it was kept as text
   * (a dead-letter replay). Decoded only for a dead letter.
   */
  raw: Uint8Array | string;
  /** The parsed body, or the 400 that says why there is none; called once (the route lets go of its copy). */
  body: () => unknown;
  receivedAt: Date;
  /** The client's address (stored truncated). */
  ip?: string | undefined;
  /** The events' own `receivedAt` may be trusted (a signed webhook). */
  upstreamReceipt: boolean;
}

/**
 * The one ingest pipeline behind every path: read the body's events, sort them (intakeEvents), commit
 * the valid ones (answered only after the commit), and keep every rejected one in the dead-letter store.
 */
export async function ingestRequest(deps: IngestPipeline, app: App, request: IncomingRequest): Promise<IngestResponse> {
  const { intake, batch } = await sortEvents(deps, app, request);
  const written = await deps.ingest.write(app, intake.valid);
  const rejected: Rejection[] = [...intake.rejected];
  for (const { event, error } of written.refused) {
    rejected.push({ index: intake.indexOf.get(event) as number, messageId: event.messageId, error });
  }
  rejected.sort((a, b) => a.index - b.index);
  if (rejected.length > 0) await deps.deadLetters.keep(app.id, deadLetterEntries(request, batch, rejected));
  return { ok: true, accepted: written.accepted, duplicates: written.duplicates, rejected };
}

/**
 * The body's events, sorted into valid and rejected, and the batch facts a dead letter keeps. The parsed body stays
 * here: a request waiting for its commit holds only what was taken from it (a dead letter parses the raw body again),
 * so less is held per event in flight, and less copied by the garbage collector.
 */
async function sortEvents(deps: IngestPipeline, app: App, request: IncomingRequest): Promise<{ intake: Intake; batch: BatchFacts }> {
  let events;
  try {
    events = requestEvents(request.body(), request.endpoint);
  } catch (err) {
    // A body that cannot be read at all is refused whole, and kept so its owner can see what was sent.
    if (err instanceof HttpError && err.status === 400 && request.raw.length > 0) {
      await deps.deadLetters.keep(app.id, [unreadableBodyEntry(request, err)]);
    }
    throw err;
  }
  const batch = { sentAt: events.sentAt, context: events.context };
  const facts = { receivedAt: request.receivedAt, ip: request.ip, upstreamReceipt: request.upstreamReceipt, ...batch };
  // One scan of the text proves most bodies shallow, sparing a walk of every event.
  const depthChecked = maxJsonDepth(request.raw) <= MAX_EVENT_DEPTH;
  return { intake: intakeEvents(events.items, facts, { only: events.only, depthChecked }), batch };
}
