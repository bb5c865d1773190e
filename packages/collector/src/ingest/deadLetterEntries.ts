import type { Rejection } from '../domain/intakeEvents';
import { serializeJson } from '../domain/serializeJson';
import { truncateIp } from '../domain/truncateIp';
import type { HttpError } from '../http/errors';
import type { DeadLetterEntry, RequestFactsRecord } from '../storage/deadLetterRepository';
import type { IncomingRequest } from './ingestRequest';
import { requestEvents, type RequestEvents } from './requestEvents';

/** The request-level facts a replay needs to treat the event as it was first treated. */
function factsOf(request: IncomingRequest, events?: BatchFacts): RequestFactsRecord {
  const facts: RequestFactsRecord = {};
  if (events?.sentAt !== undefined) facts.sentAt = events.sentAt;
  if (events?.context !== undefined) facts.context = events.context;
  const ip = truncateIp(request.ip);
  if (ip) facts.ip = ip;
  if (request.upstreamReceipt) facts.upstreamReceipt = true;
  return facts;
}

/** A request's batch-level facts, which apply to each of its events. */
export type BatchFacts = Pick<RequestEvents, 'sentAt' | 'context'>;

/** The body as text (it arrives as bytes). */
const textOf = (raw: Uint8Array | string) => (typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));

/** PostgreSQL text cannot hold NUL: the one change made to a body kept as text. */
const storableText = (raw: Uint8Array | string) => textOf(raw).replace(/\u0000/g, '\uFFFD');

/** A whole body that could not be read as events (not JSON, no batch array...). */
export function unreadableBodyEntry(request: IncomingRequest, error: HttpError): DeadLetterEntry {
  return {
    receivedAt: request.receivedAt,
    code: error.code,
    message: error.message,
    messageId: null,
    kind: request.endpoint,
    facts: factsOf(request),
    body: storableText(request.raw),
  };
}

/**
 * Each rejected event as it was sent: the body is parsed again (intake rewrote lenient fields and
 * completed contexts in place), so what is kept is exactly what the client sent.
 */
export function deadLetterEntries(request: IncomingRequest, events: BatchFacts, rejected: readonly Rejection[]): DeadLetterEntry[] {
  const pristine = requestEvents(JSON.parse(textOf(request.raw)), request.endpoint).items;
  const facts = factsOf(request, events);
  return rejected.map(({ index, messageId, error }) => ({
    receivedAt: request.receivedAt,
    code: error.code,
    message: error.message,
    messageId,
    kind: 'event',
    facts,
    body: serializeJson(pristine[index]),
  }));
}
