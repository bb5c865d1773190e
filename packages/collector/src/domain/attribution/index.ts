/** Attribution at ingest: referrer, utm parameters and click ids → the session's touch. Pure, no I/O. */
export { attribute, type Attribution, type AttributionInput, type SessionTouch } from './attribute';
export { hostOf } from './hostOf';
export { isInternalHost } from './isInternalHost';
export { classifyHost, classifySourceName } from './classifyReferrer';
export { CLICK_ID_NETWORKS } from './clickIds';
export type { KnownSource, KnownSourceType } from './referrerDomains';
