import { Router, type Request, type Response } from 'express';
import {
  MAX_BATCH_EVENTS, MAX_EVENT_BYTES, isIsoDate, isPlainObject, validateBatchContext, validateEvent,
  type EventContext, type EventError, type EventType, type IngestResponse,
} from '@headcount/schema';
import type { App } from '../apps/appsRepository';
import { normalizeEvent, type NormalizedEvent } from '../domain/normalizeEvent';
import type { IngestService } from '../ingest/ingestService';
import { writeKeyOf, type AppResolver } from '../http/auth';
import { readJsonBody } from '../http/body';
import { allowAnyOrigin, enforceOrigin } from '../http/cors';
import { HttpError } from '../http/errors';

export interface IngestDeps {
  apps: AppResolver;
  ingest: IngestService;
  rateLimit: { take(appId: string): void };
  now: () => Date;
}

const SINGLE_EVENT_TYPES: readonly EventType[] = ['track', 'page', 'screen', 'identify', 'alias', 'group'];

/** What an endpoint takes: a batch, one event of the type it names, or one event of any type (webhook). */
export type Endpoint = EventType | 'batch' | 'any';

/** The events of a request body, and the batch-level `sentAt`/`context` that apply to each. */
function eventsOf(body: Record<string, unknown>, endpoint: Endpoint): { items: unknown[]; sentAt?: string; context?: EventContext } {
  if (endpoint === 'any') return { items: [body] };
  if (endpoint !== 'batch') return { items: [{ ...body, type: body.type ?? endpoint }] };
  if (!Array.isArray(body.batch)) throw new HttpError(400, 'invalid_body', 'batch must be an array of events');
  if (body.batch.length > MAX_BATCH_EVENTS) {
    throw new HttpError(413, 'payload_too_large', `batch has ${body.batch.length} events; the limit is ${MAX_BATCH_EVENTS}`);
  }
  if (body.sentAt !== undefined && !isIsoDate(body.sentAt)) {
    throw new HttpError(400, 'invalid_body', 'sentAt must be an ISO 8601 date such as 2026-11-22T10:00:00.000Z');
  }
  if (body.context !== undefined) {
    const error = validateBatchContext(body.context);
    if (error) throw new HttpError(400, 'invalid_body', error.message);
  }
  return { items: body.batch, sentAt: body.sentAt as string | undefined, context: body.context as EventContext | undefined };
}

// An escape that is not itself escaped: \u0000, or a surrogate (JSON.stringify escapes only unpaired ones).
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** PostgreSQL's JSON types refuse NUL and unpaired surrogates; one such string must not fail its neighbours. */
function hasUnstorableText(json: string): boolean {
  return json.includes('\\u') && UNSTORABLE_ESCAPE.test(json);
}

/** Validates, normalizes and writes one request's events for `app`; answers only after the commit. */
export async function ingestEvents(
  deps: IngestDeps, app: App, req: Request, res: Response, endpoint: Endpoint,
): Promise<void> {
  const body = req.body as unknown;
  if (!isPlainObject(body)) throw new HttpError(400, 'invalid_body', 'the body must be a JSON object');
  const { items, sentAt, context } = eventsOf(body, endpoint);
  const facts = { receivedAt: deps.now(), ip: req.ip, upstreamReceipt: endpoint === 'any', sentAt, context };
  const valid: NormalizedEvent[] = [];
  const rejected: IngestResponse['rejected'] = [];
  const reject = (index: number, item: unknown, error: EventError) => {
    const messageId = isPlainObject(item) && typeof item.messageId === 'string' ? item.messageId : null;
    rejected.push({ index, messageId, error });
  };
  items.forEach((item, index) => {
    // The size is checked below on what is stored, which costs nothing extra.
    const result = validateEvent(item, 0);
    if (!result.ok) return reject(index, item, result.error);
    if (endpoint !== 'batch' && endpoint !== 'any' && result.event.type !== endpoint) {
      return reject(index, item, { code: 'invalid_type', message: `this endpoint takes ${endpoint} events` });
    }
    const event = normalizeEvent(result.event, facts);
    const bytes = Buffer.byteLength(event.columnsJson);
    if (bytes > MAX_EVENT_BYTES) {
      return reject(index, item, { code: 'event_too_large', message: `event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES}` });
    }
    if (hasUnstorableText(event.columnsJson)) {
      return reject(index, item, { code: 'invalid_field', message: 'strings must not contain NUL characters or unpaired UTF-16 surrogates' });
    }
    valid.push(event);
  });
  const { accepted, duplicates } = await deps.ingest.write(app, valid);
  const answer: IngestResponse = { ok: true, accepted, duplicates, rejected };
  res.json(answer);
}

export function ingestRoutes(deps: IngestDeps): Router {
  const router = Router();
  const handle = (endpoint: Endpoint) => async (req: Request, res: Response) => {
    const app = await deps.apps.byWriteKey(writeKeyOf(req));
    enforceOrigin(app, req.headers.origin, res);
    deps.rateLimit.take(app.id);
    await ingestEvents(deps, app, req, res, endpoint);
  };
  router.use(['/v1/batch', ...SINGLE_EVENT_TYPES.map((t) => `/v1/${t}`)], allowAnyOrigin);
  router.post('/v1/batch', readJsonBody, handle('batch'));
  for (const type of SINGLE_EVENT_TYPES) router.post(`/v1/${type}`, readJsonBody, handle(type));
  return router;
}
