import {
  MAX_BATCH_CONTEXT_BYTES, MAX_BATCH_EVENTS, isIsoDate, isPlainObject, jsonBytes, validateBatchContext,
  type EventContext, type EventType,
} from '@headcount/schema';
import { HttpError } from '../http/errors';

/**
 * What an endpoint takes: a batch (`/v1/batch`, `/v1/b`, RudderStack's beacon), one event of the type it
 * names (`/v1/track`, `/v1/t`), or one event or an array of them of any type (Segment's webhooks).
 */
export type Endpoint = EventType | 'batch' | 'webhook';

/** A request body's events, and the batch-level `sentAt`/`context` that apply to each. */
export interface RequestEvents {
  items: unknown[];
  sentAt?: string | undefined;
  context?: EventContext | undefined;
  /** Events must be of this type (an endpoint named for one). */
  only?: EventType | undefined;
}

function batchOf(body: Record<string, unknown>): RequestEvents {
  const batch = body.batch;
  if (!Array.isArray(batch)) throw new HttpError(400, 'invalid_body', 'batch must be an array of events');
  if (batch.length > MAX_BATCH_EVENTS) {
    throw new HttpError(413, 'payload_too_large', `batch has ${batch.length} events; the limit is ${MAX_BATCH_EVENTS}`);
  }
  // null is what some clients send for "none": treated as absent.
  const sentAt = body.sentAt ?? undefined;
  if (sentAt !== undefined && !isIsoDate(sentAt)) {
    throw new HttpError(400, 'invalid_body', 'sentAt must be an ISO 8601 date such as 2026-11-22T10:00:00.000Z');
  }
  const context = body.context ?? undefined;
  if (context !== undefined) {
    const error = validateBatchContext(context);
    if (error) throw new HttpError(400, 'invalid_body', error.message);
    // It is merged into every event: bounded, so a small request cannot store a huge one.
    const bytes = jsonBytes(context);
    if (bytes > MAX_BATCH_CONTEXT_BYTES) {
      throw new HttpError(400, 'invalid_body', `the batch context is ${bytes} bytes; the limit is ${MAX_BATCH_CONTEXT_BYTES} (put large facts on the events)`);
    }
  }
  return { items: batch, sentAt, context: context as EventContext | undefined };
}

/** The events of a request body as `endpoint` reads it; a body it cannot read is a 400 (413 over the batch limit). */
export function requestEvents(body: unknown, endpoint: Endpoint): RequestEvents {
  if (endpoint === 'webhook' && Array.isArray(body)) {
    if (body.length > MAX_BATCH_EVENTS) {
      throw new HttpError(413, 'payload_too_large', `the array has ${body.length} events; the limit is ${MAX_BATCH_EVENTS}`);
    }
    return { items: body };
  }
  if (!isPlainObject(body)) {
    throw new HttpError(400, 'invalid_body', endpoint === 'webhook' ? 'the body must be an event or an array of events' : 'the body must be a JSON object');
  }
  // Segment's short paths and mobile libraries may post a batch to a path named for a type.
  if (endpoint === 'batch' || Array.isArray(body.batch)) return batchOf(body);
  if (endpoint === 'webhook') return { items: [body] };
  return { items: [{ ...body, type: body.type ?? endpoint }], only: endpoint };
}
