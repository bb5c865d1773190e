/**
 * The wire format: Segment Spec events plus Headcount's `ping`.
 * Every field is what Segment's libraries and webhook destination send, so they feed the collector unchanged.
 */

/** Free-form JSON object (`properties`, `traits`). */
export type JsonObject = { [key: string]: unknown };

/** Every event type the collector accepts. */
export type EventType = 'track' | 'page' | 'screen' | 'identify' | 'alias' | 'group' | 'ping';

/** The reasons a session ends, carried by `Session Ended` in `properties.reason` (`new_source`: a landing from a new external touch). */
export type SessionEndReason = 'idle' | 'manual' | 'max_duration' | 'reset' | 'new_source';

/** Names of the SDK's session lifecycle `track` events. */
export const SESSION_STARTED = 'Session Started';
export const SESSION_ENDED = 'Session Ended';

/** Page information, captured by the browser when the call was made. */
export interface PageContext {
  /** Full URL, e.g. `"https://shop.example/shoes?utm_source=google"`. */
  url?: string;
  /** Path, e.g. `"/shoes"`. */
  path?: string;
  /** Query string with its `?`, e.g. `"?utm_source=google"`. */
  search?: string;
  /** `document.referrer` on landing, e.g. `"https://www.google.com/"`; after an in-app navigation, the previous URL. */
  referrer?: string;
  /** Document title, e.g. `"Shoes"`. */
  title?: string;
}

/** UTM parameters, e.g. `{source: "newsletter", medium: "email", name: "spring"}`. */
export interface CampaignContext {
  source?: string;
  medium?: string;
  /** `utm_campaign`. */
  name?: string;
  term?: string;
  content?: string;
}

/** Where and how the event was produced. Unknown keys (Segment's `app`, `device`, `os`, ...) are kept as sent. */
export interface EventContext {
  page?: PageContext;
  /** `navigator.userAgent`, e.g. `"Mozilla/5.0 (X11; Linux x86_64) ..."`. */
  userAgent?: string;
  /** BCP 47 language tag, e.g. `"en-US"`. */
  locale?: string;
  /** IANA time zone, e.g. `"Europe/Paris"`. */
  timezone?: string;
  /** Screen size in CSS pixels, e.g. `{width: 1920, height: 1080}`. */
  screen?: { width?: number; height?: number; density?: number };
  campaign?: CampaignContext;
  /** The sending library, e.g. `{name: "@headcount/browser", version: "0.1.0"}`. */
  library?: { name?: string; version?: string };
  /** Headcount: the SDK's session id, e.g. `"s_lq2k3j_8f3a"`. Without it the collector sessionizes by inactivity. */
  sessionId?: string;
  /** Headcount: ad click ids from the landing URL, e.g. `{gclid: "Cj0KCQ..."}`. */
  clickIds?: Record<string, string>;
  /** Client IP as a server-side library reports it; stored truncated. */
  ip?: string;
  [key: string]: unknown;
}

/** Fields every event shares. */
export interface BaseEvent {
  type: EventType;
  /** Unique per app; re-sent events with the same id are stored once. <= 100 chars. E.g. `"a1b2c3d4-..."`. */
  messageId?: string;
  /** Device-scoped visitor id, e.g. `"507f191e-810c-19729de8"`. At least one of `anonymousId` / `userId`. */
  anonymousId?: string | null;
  /** Your user id after login, e.g. `"user_42"`. */
  userId?: string | null;
  /** ISO 8601 client time of the call, e.g. `"2026-11-22T10:00:00.000Z"`. */
  timestamp?: string;
  /** Segment's name for the client time of the call; preferred over `timestamp` when both are present. */
  originalTimestamp?: string;
  /** ISO 8601 client time the request was sent; used to correct the client's clock. */
  sentAt?: string;
  /** Set by an upstream collector (Segment's webhook destination): when it received the event. */
  receivedAt?: string;
  context?: EventContext;
  /** Segment destinations switch; kept but unused. */
  integrations?: JsonObject;
}

/** A user action, e.g. `{type: "track", event: "Exhibit Opened", properties: {exhibit: "T-Rex"}}`. */
export interface TrackEvent extends BaseEvent {
  type: 'track';
  /** The action's name, e.g. `"Exhibit Opened"`. */
  event: string;
  properties?: JsonObject;
}

/** A web page view, e.g. `{type: "page", name: "Pricing", properties: {path: "/pricing"}}`. */
export interface PageEvent extends BaseEvent {
  type: 'page';
  name?: string;
  category?: string;
  properties?: JsonObject;
}

/** A mobile screen view, e.g. `{type: "screen", name: "Home"}`. */
export interface ScreenEvent extends BaseEvent {
  type: 'screen';
  name?: string;
  category?: string;
  properties?: JsonObject;
}

/** Ties the visitor to a user and records traits, e.g. `{type: "identify", userId: "u1", traits: {plan: "pro"}}`. */
export interface IdentifyEvent extends BaseEvent {
  type: 'identify';
  traits?: JsonObject;
}

/** Merges a previous identity into `userId`, e.g. `{type: "alias", previousId: "anon-1", userId: "u1"}`. */
export interface AliasEvent extends BaseEvent {
  type: 'alias';
  /** The identity being merged, e.g. `"anon-1"` or an old user id. */
  previousId: string;
}

/** Associates the user with an account, e.g. `{type: "group", groupId: "acme", traits: {plan: "team"}}`. */
export interface GroupEvent extends BaseEvent {
  type: 'group';
  groupId: string;
  traits?: JsonObject;
}

/** Headcount's presence heartbeat: keeps the session in the live count, never stored as an event. */
export interface PingEvent extends BaseEvent {
  type: 'ping';
}

/** Any event on the wire, discriminated by `type`. */
export type HeadcountEvent =
  | TrackEvent
  | PageEvent
  | ScreenEvent
  | IdentifyEvent
  | AliasEvent
  | GroupEvent
  | PingEvent;

/** Body of `POST /v1/batch`. */
export interface BatchRequest {
  batch: HeadcountEvent[];
  /** Client time the request was sent; applies to events without their own `sentAt`. */
  sentAt?: string;
  /** Merged into each event's context (the event's own keys win). */
  context?: EventContext;
  /** Alternative to HTTP Basic auth. */
  writeKey?: string;
}

/** Why one event in a request was refused. */
export interface EventError {
  /** e.g. `"invalid_field"`. */
  code: EventErrorCode;
  /** What to fix, e.g. `"properties must be an object"`. */
  message: string;
}

export type EventErrorCode =
  | 'invalid_event'
  | 'invalid_type'
  | 'missing_field'
  | 'invalid_field'
  | 'missing_identity'
  | 'event_too_large'
  /** Nested deeper than MAX_EVENT_DEPTH. */
  | 'too_deep'
  /** The request's events, each with the batch context merged in, passed MAX_STORED_BYTES_PER_REQUEST. */
  | 'request_too_large'
  /** Valid, yet the database refused it; kept in the dead-letter store. */
  | 'unstorable';

/** Answer of every ingest endpoint. */
export interface IngestResponse {
  ok: true;
  /** Events stored by this request. */
  accepted: number;
  /** Events already stored earlier (same app and messageId), not stored again. */
  duplicates: number;
  rejected: Array<{ index: number; messageId: string | null; error: EventError }>;
}

/** Answer of `GET /v1/active` and each `active` SSE message. */
export interface ActiveUsersResponse {
  activeUsers: number;
  windowSeconds: number;
  /** ISO 8601 time the count was taken. */
  at: string;
}

/** Every error the collector answers with. */
export interface ErrorResponse {
  error: { code: string; message: string };
}
