/** utm_* and click ids read from a landing page URL in one pass over its query string. */
import type { CampaignContext } from '@headcount/schema';
import { UTM_PARAM_FIELDS, cleanCampaignValue } from './campaign';
import { cleanClickIdValue, isKnownClickId } from './clickIds';

export interface LandingParams {
  campaign: CampaignContext | null;
  clickIds: Record<string, string> | null;
}

/**
 * Scans from the first `?` to the next `#`, so a hash-router URL (`/#/p?utm_source=x`) works too.
 * Only the parameters we use are decoded; the first occurrence of each wins.
 */
export function readLandingParams(pageUrl: string | null | undefined): LandingParams {
  const params: LandingParams = { campaign: null, clickIds: null };
  if (typeof pageUrl !== 'string') return params;
  const query = pageUrl.indexOf('?');
  if (query === -1) return params;
  let end = pageUrl.indexOf('#', query);
  if (end === -1) end = pageUrl.length;

  let start = query + 1;
  while (start < end) {
    let next = pageUrl.indexOf('&', start);
    if (next === -1 || next > end) next = end;
    const eq = pageUrl.indexOf('=', start);
    if (eq !== -1 && eq < next) {
      const key = pageUrl.slice(start, eq).toLowerCase();
      const field = UTM_PARAM_FIELDS.get(key);
      if (field !== undefined) {
        const value = cleanCampaignValue(decodeParam(pageUrl.slice(eq + 1, next)));
        if (value !== null) {
          params.campaign ??= {};
          params.campaign[field] ??= value;
        }
      } else if (isKnownClickId(key)) {
        const value = cleanClickIdValue(decodeParam(pageUrl.slice(eq + 1, next)));
        if (value !== null) {
          params.clickIds ??= {};
          params.clickIds[key] ??= value;
        }
      }
    }
    start = next + 1;
  }
  return params;
}

/** Form-encoded value: `+` is a space; a malformed `%` escape keeps the raw text rather than failing. */
function decodeParam(raw: string): string {
  const spaced = raw.includes('+') ? raw.replace(/\+/g, ' ') : raw;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
