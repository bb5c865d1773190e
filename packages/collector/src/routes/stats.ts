import { Router, type Request } from 'express';
import type { AppResolver } from '../http/auth';
import { ValidationError } from '../http/errors';
import { queryDate, queryLimit, queryString } from '../http/query';
import { BREAKDOWNS, INTERVALS, type Breakdown, type Interval, type StatsRange, type StatsSeriesRepository } from '../storage/statsSeriesRepository';
import { readerOf } from './read';
import { queryFilters, queryTimezone } from './statsParameters';

export interface StatsDeps {
  apps: AppResolver;
  series: StatsSeriesRepository;
  now: () => Date;
}

const DEFAULT_DAYS = 30;
const INTERVAL_MS: Record<Interval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
// A chart wider than this has more points than pixels; a coarser interval answers the same question.
const MAX_POINTS = 5000;

function oneOf<T extends string>(req: Request, name: string, allowed: readonly T[], fallback?: T): T {
  const value = queryString(req, name) ?? fallback;
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(name, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** `GET /v1/stats/timeseries` and `GET /v1/stats/breakdown`: what the dashboard's chart and tables read. */
export function statsRoutes(deps: StatsDeps): Router {
  const router = Router();
  const reader = readerOf(deps.apps);

  async function rangeOf(req: Request): Promise<StatsRange> {
    const app = await reader(req);
    const to = queryDate(req, 'to') ?? deps.now();
    const from = queryDate(req, 'from') ?? new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
    if (from >= to) throw new ValidationError('from', 'must be before to');
    return { appId: app.id, from, to, filters: queryFilters(req), timezone: queryTimezone(req) };
  }

  router.get('/v1/stats/timeseries', async (req, res) => {
    const range = await rangeOf(req);
    const interval = oneOf(req, 'interval', INTERVALS, 'day');
    if ((range.to.getTime() - range.from.getTime()) / INTERVAL_MS[interval] > MAX_POINTS) {
      throw new ValidationError('interval', `gives more than ${MAX_POINTS} points for this range; choose a longer interval`);
    }
    res.json(await deps.series.timeseries(range, interval));
  });

  router.get('/v1/stats/breakdown', async (req, res) => {
    const range = await rangeOf(req);
    const by: Breakdown = oneOf(req, 'by', BREAKDOWNS);
    res.json(await deps.series.breakdown(range, by, queryLimit(req, 10, 1000)));
  });

  return router;
}
