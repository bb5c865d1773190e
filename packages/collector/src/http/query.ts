import type { Request } from 'express';
import { ValidationError } from './errors';

/** A text parameter PostgreSQL can compare: it refuses NUL in text, which would answer 500. */
export function storableText(name: string, value: string): string {
  if (value.includes('\0')) throw new ValidationError(name, 'must not contain NUL characters');
  return value;
}

/** One optional string parameter; repeated parameters are refused rather than guessed at. */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError(name, 'must be given once');
  return storableText(name, value);
}

/** One path parameter (`/v1/users/:userId`), checked like a query string. */
export function pathParam(req: Request, name: string): string {
  return storableText(name, String((req.params as Record<string, string | undefined>)[name] ?? ''));
}

// Four-digit years: what ISO 8601 writes without sign, and well inside what PostgreSQL's timestamptz holds.
const FIRST_DATE = new Date('0001-01-01T00:00:00Z').getTime();
const LAST_DATE = new Date('9999-12-31T23:59:59.999Z').getTime();

/** A parsed date, or null when it is not one or lies outside the years 0001 to 9999. */
export function storableDate(value: string): Date | null {
  const time = new Date(value).getTime();
  return Number.isNaN(time) || time < FIRST_DATE || time > LAST_DATE ? null : new Date(time);
}

export function queryDate(req: Request, name: string): Date | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  const date = storableDate(value);
  if (!date) throw new ValidationError(name, 'must be an ISO 8601 date from year 0001 to 9999, such as 2026-11-22T00:00:00Z');
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

const MAX_BIGINT = 9223372036854775807n;
// Ids in cursors are ours (session ids, row numbers): longer ones were never issued.
const MAX_CURSOR_ID_LENGTH = 200;

/** Whether a cursor's id can be what the listing sorts by: a bigint row number (`serial`) or a text id. */
function isCursorId(id: string, kind: 'serial' | 'text'): boolean {
  if (kind === 'serial') return /^\d{1,19}$/.test(id) && BigInt(id) <= MAX_BIGINT;
  return id.length <= MAX_CURSOR_ID_LENGTH && !id.includes('\0');
}

/** The `after` cursor as [position date, id]; anything a previous page could not have returned is a 400. */
export function queryCursor(req: Request, kind: 'serial' | 'text' = 'text'): [string, string] | undefined {
  const value = queryString(req, 'after');
  if (value === undefined) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === 2 && parts.every((p) => typeof p === 'string')) {
      const [position, id] = parts as [string, string];
      if (storableDate(position) && isCursorId(id, kind)) return [position, id];
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('after', 'must be the `next` cursor of a previous page');
}
