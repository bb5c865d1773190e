import { pageFieldSql } from './eventsRepository';

/** The filters every stats endpoint takes: each narrows the visits counted to those that match. */
export interface StatsFilters {
  channel?: string;
  source?: string;
  campaign?: string;
  page?: string;
  device?: string;
  browser?: string;
  os?: string;
  event?: string;
}

export const FILTER_NAMES = ['channel', 'source', 'campaign', 'page', 'device', 'browser', 'os', 'event'] as const;

/** Alias chains longer than this are cut (a cycle of aliases would otherwise never end). */
export const MAX_ALIAS_HOPS = 20;

/** A page view's path: context.page.path, else the path of context.page.url (all some senders give), else its name. */
export const PAGE_PATH_SQL = (e: string) => `coalesce(nullif(${pageFieldSql(e, 'path')}, ''),
  CASE WHEN ${pageFieldSql(e, 'url')} ~ '^[a-zA-Z][a-zA-Z0-9+.-]*://'
    THEN coalesce(nullif(substring(${pageFieldSql(e, 'url')} FROM '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*([^?#]*)'), ''), '/') END,
  ${e}.name)`;

/** Appends a parameter and returns its placeholder. */
export type Bind = (value: unknown) => string;

export function binder(params: unknown[]): Bind {
  return (value) => {
    params.push(value);
    return `$${params.length}`;
  };
}

export const hasFilters = (filters: StatsFilters) => FILTER_NAMES.some((name) => filters[name] !== undefined);

/** SQL conditions (each starting with AND) on a sessions row `s` for the given filters. */
export function sessionFilterSql(filters: StatsFilters, bind: Bind, s = 's'): string {
  const parts: string[] = [];
  if (filters.channel !== undefined) parts.push(`coalesce(${s}.touch_type, 'direct') = ${bind(filters.channel)}`);
  if (filters.source !== undefined) parts.push(`${s}.touch_source = ${bind(filters.source)}`);
  if (filters.campaign !== undefined) parts.push(`${s}.campaign->>'name' = ${bind(filters.campaign)}`);
  if (filters.device !== undefined) parts.push(`${s}.device_type = ${bind(filters.device)}`);
  if (filters.browser !== undefined) parts.push(`${s}.browser = ${bind(filters.browser)}`);
  if (filters.os !== undefined) parts.push(`${s}.os = ${bind(filters.os)}`);
  // Page and event filters keep the visits that viewed that page or sent that event (found through events_app_session).
  if (filters.page !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM events fe WHERE fe.app_id = ${s}.app_id AND fe.session_id = ${s}.id
      AND fe.type = 'page' AND ${PAGE_PATH_SQL('fe')} = ${bind(filters.page)})`);
  }
  if (filters.event !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM events fe WHERE fe.app_id = ${s}.app_id AND fe.session_id = ${s}.id
      AND fe.type = 'track' AND fe.event = ${bind(filters.event)})`);
  }
  return parts.map((part) => ` AND ${part}`).join('');
}
