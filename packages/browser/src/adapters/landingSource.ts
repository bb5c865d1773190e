/** Where this page load came from, when that is a new external touch (a new visit on the web). */
import type { Attribution } from '../core/ports';

/**
 * '' for a direct, internal, reloaded or back/forward load; otherwise the external referrer's host,
 * the utm parameters and the click ids, as one string to compare with the session's.
 */
export const landingSource = (a: Attribution): string => {
  const host = document.referrer.split('/')[2];
  const external = host != location.host && host;
  // Navigation timing is missing in old browsers: then no load counts as a new source.
  const navigated = (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type == 'navigate';
  return navigated && (external || a.campaign || a.clickIds) ? JSON.stringify([external, a]) : '';
};
