import type { Request } from 'express';
import { ValidationError } from '../http/errors';
import { queryString } from '../http/query';
import { FILTER_NAMES, type StatsFilters } from '../storage/statsFilters';

/** The filters of a stats request (`channel=`, `source=`, `page=`...), each given at most once. */
export function queryFilters(req: Request): StatsFilters {
  const filters: StatsFilters = {};
  for (const name of FILTER_NAMES) {
    const value = queryString(req, name);
    if (value !== undefined) filters[name] = value;
  }
  return filters;
}

/** An IANA time zone PostgreSQL and the browser both know (`tz=Europe/Paris`), UTC by default. */
export function queryTimezone(req: Request): string {
  const tz = queryString(req, 'tz') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new ValidationError('tz', 'must be an IANA time zone such as Europe/Paris or UTC');
  }
  return tz;
}

