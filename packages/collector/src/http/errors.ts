import type { ErrorRequestHandler, RequestHandler } from 'express';
import { WriteQueueFullError } from '../ingest/groupCommit';
import { isConnectionError, isDatabaseTimeout } from '../storage/database';

/** An error with its HTTP answer: `{"error": {"code", "message"}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A request field (query or body) that is not what the endpoint takes. */
export class ValidationError extends HttpError {
  constructor(readonly field: string, message: string) {
    super(400, 'invalid_query', `${field} ${message}`);
  }
}

export const RETRY_AFTER_DB_SECONDS = 5;
// A full write queue drains in about a second under load: come back soon.
export const RETRY_AFTER_QUEUE_FULL_SECONDS = 1;

export interface ErrorReporting {
  log: (level: 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  report?: ((err: unknown) => void) | undefined;
}

/** Maps every error to its JSON answer and hides the internals of 5xx. */
export function errorHandler({ log, report }: ErrorReporting): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const parserError = err as { type?: string; status?: number; message?: string };
    let error: HttpError;
    if (err instanceof HttpError) error = err;
    else if (err instanceof WriteQueueFullError) {
      error = new HttpError(503, 'overloaded', 'too many writes are waiting for the database; retry later',
        { 'Retry-After': String(RETRY_AFTER_QUEUE_FULL_SECONDS) });
    } else if (isDatabaseTimeout(err)) {
      error = new HttpError(503, 'database_timeout', 'the database did not answer in time (a held lock or an overloaded server); retry later',
        { 'Retry-After': String(RETRY_AFTER_DB_SECONDS) });
      log('warn', 'database timeout', { path: req.path, error: String(err) });
    } else if (isConnectionError(err)) {
      error = new HttpError(503, 'database_unavailable', 'the database is unreachable; retry later',
        { 'Retry-After': String(RETRY_AFTER_DB_SECONDS) });
      log('warn', 'database unavailable', { path: req.path, error: String(err) });
    } else if (parserError.type === 'entity.too.large') {
      error = new HttpError(413, 'payload_too_large', 'the request body is over 500 KB; send smaller batches');
    } else if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
      error = new HttpError(415, 'unsupported_encoding', parserError.message ?? 'unsupported content encoding');
    } else if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      error = new HttpError(400, 'invalid_body', parserError.message ?? 'the request body could not be read');
    } else {
      error = new HttpError(500, 'internal_error', 'internal error; it has been logged');
      log('error', 'unhandled error', { path: req.path, error: err instanceof Error ? err.stack : String(err) });
      report?.(err);
    }
    if (res.headersSent) return res.end();
    res.status(error.status).set(error.headers).json({ error: { code: error.code, message: error.message } });
  };
}

export const notFound: RequestHandler = (req) => {
  throw new HttpError(404, 'not_found', `no endpoint ${req.method} ${req.path}`);
};
