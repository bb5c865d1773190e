/** Segment's limits, which Headcount keeps so Segment libraries never meet a surprise. */

/** Largest accepted event, in bytes of its JSON. */
export const MAX_EVENT_BYTES = 32 * 1024;
/** Largest accepted request body, in bytes. */
export const MAX_REQUEST_BYTES = 500 * 1024;
/** Most events in one `POST /v1/batch`. */
export const MAX_BATCH_EVENTS = 2500;
/** Deepest nesting of an event's JSON (the event object itself is level 1). */
export const MAX_EVENT_DEPTH = 64;
/** Largest batch-level `context`, which is merged into every event of the batch. */
export const MAX_BATCH_CONTEXT_BYTES = 8 * 1024;
/** Most bytes one request may store once batch context is merged into its events (bounds amplification). */
export const MAX_STORED_BYTES_PER_REQUEST = 4 * 1024 * 1024;
/** Earliest and latest storable times (PostgreSQL has no year 0; the wire format has four-digit years). */
export const MIN_STORABLE_TIME = Date.parse('0001-01-01T00:00:00Z');
export const MAX_STORABLE_TIME = Date.parse('9999-12-31T23:59:59.999Z');
/** Longest `messageId`, the per-app dedupe key. */
export const MAX_MESSAGE_ID_LENGTH = 100;
/** Longest `anonymousId`, `userId`, `previousId`, `groupId` or `context.sessionId`. */
export const MAX_ID_LENGTH = 255;
/** Longest `event` (track) or `name` (page/screen). */
export const MAX_NAME_LENGTH = 255;
/** Events without `context.sessionId` join the visitor's session if it saw activity this recently. */
export const SESSION_INACTIVITY_SECONDS = 30 * 60;
/** Default window of the live "active users" count. */
export const DEFAULT_ACTIVE_WINDOW_SECONDS = 300;
