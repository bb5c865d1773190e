import { query } from '../api/readApi';
import type { Filters } from '../state/viewState';
import type { Range } from '../time/ranges';

/** What every stats panel reads for: the range, the period before it, the zone and the filters. */
export interface StatsScope {
  range: Range;
  previous: Range;
  timeZone: string;
  filters: Filters;
}

/** A stats endpoint's path for the scope (or another range of it), with extra parameters. */
export function statsPath(endpoint: string, scope: StatsScope, extra: Record<string, string | number> = {}, range = scope.range): string {
  return endpoint + query({ from: range.from.toISOString(), to: range.to.toISOString(), tz: scope.timeZone, ...scope.filters, ...extra });
}
