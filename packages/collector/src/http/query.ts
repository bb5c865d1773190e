import type { Request } from 'express';
import { ValidationError } from './errors';

/** One optional string parameter; repeated parameters are refused rather than guessed at. */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError(name, 'must be given once');
  return value;
}

export function queryDate(req: Request, name: string): Date | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new ValidationError(name, 'must be an ISO 8601 date such as 2026-11-22T00:00:00Z');
  return date;
}

export function queryLimit(req: Request, fallback = 100, max = 1000): number {
  const value = queryString(req, 'limit');
  if (value === undefined) return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new ValidationError('limit', `must be a whole number from 1 to ${max}`);
  return limit;
}

/** Opaque keyset cursors: the sort position of the last item of a page. */
export function encodeCursor(parts: Array<string | Date>): string {
  return Buffer.from(JSON.stringify(parts.map((p) => (p instanceof Date ? p.toISOString() : p)))).toString('base64url');
}

export function queryCursor(req: Request): [string, string] | undefined {
  const value = queryString(req, 'after');
  if (value === undefined) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === 2 && parts.every((p) => typeof p === 'string')) {
      const [position, id] = parts as [string, string];
      if (!Number.isNaN(new Date(position).getTime())) return [position, id];
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('after', 'must be the `next` cursor of a previous page');
}
