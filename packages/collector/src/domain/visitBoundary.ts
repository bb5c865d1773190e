import type { EventContext, EventType } from '@headcount/schema';
import { attribute, hostOf, type Attribution } from './attribution';

/** What session decisions read of an event: its type and context (stored or fresh). */
export interface VisitSignals {
  type: EventType;
  context: EventContext;
}

/** The event knows the page it was made on (its landing facts can be read). */
export const knowsPage = (e: VisitSignals): boolean => Boolean(e.context.page?.url || e.context.page?.referrer);

/**
 * The event was made on the visitor's device (a page, a screen, a browser's or app's context), so it is a
 * visit's activity. Without any of these it came from a backend (Segment's Node library): it joins a visit
 * but never starts one nor makes anyone active.
 */
export function showsVisitor(e: VisitSignals): boolean {
  if (e.type === 'page' || e.type === 'screen') return true;
  const c = e.context;
  return Boolean(c.page?.url || c.page?.path || c.page?.referrer || c.userAgent || c.device || c.app || c.os);
}

/** The landing attribution of an event's page, the app's own hosts and the page's host being internal. */
export function attributeLanding(context: EventContext, originHosts: readonly string[]): Attribution {
  const page = context.page;
  const pageUrl = page?.url ?? null;
  const ownHost = hostOf(pageUrl);
  return attribute({
    referrer: page?.referrer ?? null,
    pageUrl,
    campaign: context.campaign ?? null,
    clickIds: context.clickIds ?? null,
    internalHosts: ownHost ? [...originHosts, ownHost] : originHosts,
  });
}

/** An external touch: a referrer from another site, a campaign or a click id (not internal nor direct navigation). */
function isExternal(a: Attribution): boolean {
  if (a.touch === null) return false;
  if (a.touch.type !== 'direct') return true;
  // A campaign without source or medium reads as direct; from inside the site it is internal tagging.
  return a.touch.host === null && Object.keys(a.campaign).length > 0;
}

const sameFields = (a: object, b: object) => {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
};

/**
 * Whether a landing starts a new visit within the inactivity gap, given the landing of the visit it would join:
 * a new click id, a new campaign, or a referrer from another site naming another source. Repeats of the visit's
 * own landing (a reload, analytics.js resending `document.referrer` on every SPA page) do not.
 */
export function startsNewVisit(visit: Attribution, next: Attribution): boolean {
  if (!isExternal(next)) return false;
  if (Object.entries(next.clickIds).some(([name, value]) => visit.clickIds[name] !== value)) return true;
  if (Object.keys(next.campaign).length > 0) return !sameFields(next.campaign, visit.campaign);
  const touch = next.touch;
  if (touch === null || touch.host === null) return false;
  const landed = visit.touch;
  return touch.url !== landed?.url && (touch.type !== landed?.type || touch.source !== landed.source);
}
