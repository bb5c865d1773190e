import { SESSION_ENDED, SESSION_STARTED } from '@headcount/schema';
import type { Queryable } from '../storage/database';
import { binder, hasFilters, MAX_ALIAS_HOPS, PAGE_PATH_SQL, sessionFilterSql, type Bind, type StatsFilters } from '../storage/statsFilters';
import { visitorHash } from './visitorSketch';
import { durationBucket, eventsBucket, SEGMENT_FILTERS, segmentedDim, segmentName, Tallies } from './visitMeasures';

/** How stored times become bucket labels: SQL of a timestamptz column, given a bind for parameters. */
export type BucketSql = (column: string, bind: Bind) => string;

export interface VisitsQuery {
  appId: string;
  from: Date;
  to: Date;
  filters: StatsFilters;
  bucket: BucketSql;
  /** The dimensions to count (default: all). */
  dims?: ReadonlySet<string>;
  /** Also count every dimension per segment (the rollup job), for one-filter views. */
  segments?: boolean;
}

const LIFECYCLE = [SESSION_STARTED, SESSION_ENDED];
/** Up to this many visits, their events are looked up by id; past it, joined (a long filtered range). */
const MAX_LISTED_VISITS = 20_000;

// The landing page is stored as its URL; entry pages are listed by path, as pages are.
const ENTRY_SQL = `CASE WHEN s.landing_page ~ '^[a-zA-Z][a-zA-Z0-9+.-]*://'
  THEN coalesce(nullif(substring(s.landing_page FROM '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*([^?#]*)'), ''), '/') ELSE s.landing_page END`;

/**
 * The visits started in [from, to) that match the filters, each with the person it counts as: its userId, else the
 * user its anonymousId was last identified as, else its own ids; an id renamed by alias counts as the id it became
 * (followed to the end, a bounded walk against alias cycles).
 */
export function visitsSql(where: string, columns: string): string {
  return `WITH RECURSIVE ranged AS (
      SELECT ${columns},
        coalesce(s.user_id, (SELECT i.user_id FROM identities i WHERE i.app_id = s.app_id
          AND i.anonymous_id = s.anonymous_id ORDER BY i.last_seen_at DESC LIMIT 1), s.anonymous_id, s.visitor_id) AS person
      FROM sessions s WHERE ${where}
    ),
    renamed(person, id, depth) AS (
      SELECT DISTINCT person, person, 0 FROM ranged
      UNION ALL
      SELECT r.person, a.user_id, r.depth + 1 FROM renamed r JOIN aliases a ON a.app_id = $1 AND a.previous_id = r.id
      WHERE r.depth < ${MAX_ALIAS_HOPS}
    ),
    canonical AS (SELECT DISTINCT ON (person) person, id FROM renamed ORDER BY person, depth DESC, id)
    SELECT ranged.*, canonical.id AS visitor FROM ranged JOIN canonical USING (person)`;
}

interface VisitRow {
  id: string; bucket: string; entry: string | null; exit: string | null; channel: string; source: string | null;
  campaign: string | null; browser: string | null; os: string | null; device: string | null; end_reason: string | null;
  duration: number; event_count: number; visitor: string;
}
interface HeldRow { id: string; type: 'page' | 'track'; key: string | null; n: number }
interface LooseRow { bucket: string; type: 'page' | 'track'; key: string | null; visitor: string | null; n: number }

/** What a visit holds: its page views and events, in all and per key. */
interface Held { pageviews: number; events: number; pages: Map<string, number>; names: Map<string, number> }

/**
 * Counts the visits started in [from, to) and every event they hold (plus, without filters, the events outside any
 * visit, by their own time) into tallies per bucket, dimension and key: what the rollup job stores per hour and what
 * the readers count directly for the hours not rolled up.
 */
export async function tallyVisits(db: Queryable, query: VisitsQuery, into = new Tallies()): Promise<Tallies> {
  const params: unknown[] = [query.appId, query.from, query.to];
  const bind = binder(params);
  const where = `s.app_id = $1 AND s.started_at >= $2 AND s.started_at < $3 AND NOT s.bot${sessionFilterSql(query.filters, bind)}`;
  const whereParams = [...params];
  const visits = await db.query<VisitRow>(visitsSql(where, `s.id, ${query.bucket('s.started_at', bind)} AS bucket, ${ENTRY_SQL} AS entry,
    s.last_page_path AS exit, coalesce(s.touch_type, 'direct') AS channel, s.touch_source AS source, s.campaign->>'name' AS campaign,
    s.browser, s.os, s.device_type AS device, s.end_reason,
    extract(epoch FROM coalesce(s.ended_at, s.last_seen_at) - s.started_at)::float8 AS duration, s.event_count`), params);

  // One query after another: the rollup job runs them on its transaction's one connection.
  const key = `CASE WHEN e.type = 'page' THEN ${PAGE_PATH_SQL('e')} ELSE e.event END`;
  const kinds = (lifecycle: string) => `(e.type = 'page' OR (e.type = 'track' AND e.event <> ALL(${lifecycle}::text[])))`;
  let held: HeldRow[] = [];
  if (visits.length > 0 && visits.length <= MAX_LISTED_VISITS) {
    // A few visits (an hour, a range's edge): their events by the session index, whatever the planner guesses.
    held = await db.query<HeldRow>(
      `SELECT e.session_id AS id, e.type, ${key} AS key, count(*)::integer AS n FROM events e
       WHERE e.app_id = $1 AND e.session_id = ANY($2::text[]) AND ${kinds('$3')} GROUP BY 1, 2, 3`,
      [query.appId, visits.map((v) => v.id), LIFECYCLE],
    );
  } else if (visits.length > 0) {
    const heldParams = [...whereParams];
    held = await db.query<HeldRow>(
      `SELECT e.session_id AS id, e.type, ${key} AS key, count(*)::integer AS n
       FROM sessions s JOIN events e ON e.app_id = s.app_id AND e.session_id = s.id
       WHERE ${where} AND ${kinds(binder(heldParams)(LIFECYCLE))} GROUP BY 1, 2, 3`,
      heldParams,
    );
  }
  // Events outside any visit (server-side calls, a kiosk between visitors) match no visit filter.
  const looseParams: unknown[] = [query.appId, query.from, query.to];
  const looseBind = binder(looseParams);
  const loose = hasFilters(query.filters) ? [] : await db.query<LooseRow>(
    `SELECT ${query.bucket('e."timestamp"', looseBind)} AS bucket, e.type, ${key} AS key, coalesce(e.user_id, e.anonymous_id) AS visitor,
       count(*)::integer AS n
     FROM events e WHERE e.app_id = $1 AND e.session_id IS NULL AND e."timestamp" >= $2 AND e."timestamp" < $3
       AND ${kinds(looseBind(LIFECYCLE))}
     GROUP BY 1, 2, 3, 4`,
    looseParams,
  );

  const wanted = (dim: string) => !query.dims || query.dims.has(dim);
  const holding = new Map<string, Held>();
  for (const row of held) {
    let h = holding.get(row.id);
    if (!h) holding.set(row.id, (h = { pageviews: 0, events: 0, pages: new Map(), names: new Map() }));
    if (row.type === 'page') {
      h.pageviews += row.n;
      if (row.key !== null) h.pages.set(row.key, (h.pages.get(row.key) ?? 0) + row.n);
    } else {
      h.events += row.n;
      if (row.key !== null) h.names.set(row.key, (h.names.get(row.key) ?? 0) + row.n);
    }
  }

  for (const v of visits) {
    const h = holding.get(v.id);
    const pageviews = h?.pageviews ?? 0;
    const visitor = visitorHash(v.visitor);
    const visit = {
      sessions: 1, bounces: pageviews <= 1 ? 1 : 0, durationSeconds: v.duration, sessionEvents: v.event_count,
      pageviews, events: h?.events ?? 0,
    };
    const keys: Array<[string, string | null]> = [
      ['total', ''], ['entry', v.entry], ['exit', v.exit], ['channel', v.channel], ['source', v.source], ['campaign', v.campaign],
      ['browser', v.browser], ['os', v.os], ['device', v.device], ['endReason', v.end_reason],
      ['duration', durationBucket(v.duration)], ['eventsPerSession', eventsBucket(v.event_count)],
      ['touch', JSON.stringify([v.channel, v.source])],
    ];
    const segments = [''];
    if (query.segments) {
      for (const filter of SEGMENT_FILTERS) {
        const value = keys.find(([dim]) => dim === filter)?.[1];
        if (value !== null && value !== undefined) segments.push(segmentName(filter, value));
      }
    }
    for (const segment of segments) {
      const dim = (name: string) => segmentedDim(segment, name);
      for (const [name, k] of keys) if (wanted(name)) into.add(v.bucket, dim(name), k, visit, visitor);
      if (wanted('page')) for (const [page, n] of h?.pages ?? []) into.add(v.bucket, dim('page'), page, { sessions: 1, pageviews: n, events: n }, visitor);
      if (wanted('event')) for (const [name, n] of h?.names ?? []) into.add(v.bucket, dim('event'), name, { sessions: 1, events: n }, visitor);
    }
  }

  for (const row of loose) {
    const visitor = row.visitor === null ? undefined : visitorHash(row.visitor);
    const measures = row.type === 'page' ? { pageviews: row.n, events: row.n } : { events: row.n };
    const dim = row.type === 'page' ? 'page' : 'event';
    if (wanted('total')) into.add(row.bucket, 'total', '', row.type === 'page' ? { pageviews: row.n } : { events: row.n });
    if (row.key !== null && wanted(dim)) into.add(row.bucket, dim, row.key, measures, visitor);
  }
  return into;
}
