import { Router, type Request, type Response } from 'express';
import {
  MAX_BATCH_EVENTS, isPlainObject, validateEvent,
  type EventType, type IngestResponse,
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

/** A batch's own `sentAt` and `context` apply to each event that lacks them (the event's keys win). */
function withBatchDefaults(event: unknown, batch: Record<string, unknown>): unknown {
  if (!isPlainObject(event)) return event;
  const context = isPlainObject(batch.context) ? { ...batch.context, ...(isPlainObject(event.context) ? event.context : {}) } : event.context;
  return {
    ...event,
    ...(event.sentAt === undefined && batch.sentAt !== undefined ? { sentAt: batch.sentAt } : {}),
    ...(context !== undefined ? { context } : {}),
  };
}

/** What an endpoint takes: a batch, one event of the type it names, or one event of any type (webhook). */
export type Endpoint = EventType | 'batch' | 'any';

/** The events of a request body. */
function eventsOf(body: Record<string, unknown>, endpoint: Endpoint): unknown[] {
  if (endpoint === 'any') return [body];
  if (endpoint !== 'batch') return [{ ...body, type: body.type ?? endpoint }];
  if (!Array.isArray(body.batch)) throw new HttpError(400, 'invalid_body', 'batch must be an array of events');
  if (body.batch.length > MAX_BATCH_EVENTS) {
    throw new HttpError(413, 'payload_too_large', `batch has ${body.batch.length} events; the limit is ${MAX_BATCH_EVENTS}`);
  }
  if (body.context !== undefined && !isPlainObject(body.context)) throw new HttpError(400, 'invalid_body', 'context must be an object');
  return body.batch.map((event) => withBatchDefaults(event, body));
}

/** Validates, normalizes and writes one request's events for `app`; answers only after the commit. */
export async function ingestEvents(
  deps: IngestDeps, app: App, req: Request, res: Response, endpoint: Endpoint,
): Promise<void> {
  const body = req.body as unknown;
  if (!isPlainObject(body)) throw new HttpError(400, 'invalid_body', 'the body must be a JSON object');
  const items = eventsOf(body, endpoint);
  const facts = { receivedAt: deps.now(), ip: req.ip, upstreamReceipt: endpoint === 'any' };
  const valid: NormalizedEvent[] = [];
  const rejected: IngestResponse['rejected'] = [];
  items.forEach((item, index) => {
    const result = validateEvent(item);
    if (result.ok && endpoint !== 'batch' && endpoint !== 'any' && result.event.type !== endpoint) {
      rejected.push({ index, messageId: result.event.messageId ?? null, error: { code: 'invalid_type', message: `this endpoint takes ${endpoint} events` } });
    } else if (result.ok) {
      valid.push(normalizeEvent(result.event, facts));
    } else {
      const messageId = isPlainObject(item) && typeof item.messageId === 'string' ? item.messageId : null;
      rejected.push({ index, messageId, error: result.error });
    }
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
