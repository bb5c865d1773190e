/** Shapes of the collector's read API (`/v1/events`, `/v1/sessions`, `/v1/anonymous`, `/v1/users`). */
import type { CampaignContext, EventContext, EventType, JsonObject, SessionEndReason } from './events';

/** How a visitor arrived. */
export type TouchType = 'direct' | 'search' | 'social' | 'email' | 'paid' | 'ai' | 'referral';

/** One arrival, e.g. `{type: "search", source: "google", host: "www.google.co.in", url: "...", timestamp: "..."}`. */
export interface Touch {
  type: TouchType;
  /** The engine, network or utm source, e.g. `"google"`, `"linkedin"`, `"newsletter"`; null when direct. */
  source: string | null;
  /** Referrer host, e.g. `"l.facebook.com"`; null when there was none. */
  host: string | null;
  /** Referrer URL as sent. */
  url: string | null;
  /** When the session with this touch started. */
  timestamp: string;
}

/** What the user agent says about the device. */
export interface Device {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  /** `desktop`, `mobile`, `tablet`, `smarttv`, `console`, `wearable` or `embedded`. */
  type: string;
  bot: boolean;
}

/** One visit. */
export interface Session {
  id: string;
  anonymousId: string | null;
  userId: string | null;
  startedAt: string;
  lastSeenAt: string;
  endedAt: string | null;
  endReason: SessionEndReason | null;
  durationSeconds: number;
  eventCount: number;
  landingPage: string | null;
  referrer: Touch;
  campaign: CampaignContext;
  clickIds: Record<string, string>;
  device: Device;
}

/** A stored event as `GET /v1/events` returns it. */
export interface StoredEvent {
  messageId: string;
  type: Exclude<EventType, 'ping'>;
  event: string | null;
  name: string | null;
  anonymousId: string | null;
  userId: string | null;
  /** null for an event the SDK sent while no session was active (a kiosk between visitors). */
  sessionId: string | null;
  /** Client time corrected for clock skew. */
  timestamp: string;
  originalTimestamp: string | null;
  sentAt: string | null;
  receivedAt: string;
  properties: JsonObject;
  traits: JsonObject;
  context: EventContext;
}

/** One entry of the dead-letter store, as `GET /v1/rejected` returns it. */
export interface RejectedEntry {
  /** Its place in the store; `after=<id>` pages on. */
  id: string;
  /** When the collector received it. */
  receivedAt: string;
  /** Why it was not accepted, e.g. `"invalid_field"`. */
  code: string;
  message: string;
  /** The messageId it was sent with, if any. */
  messageId: string | null;
  /** `event`: one event of a request; otherwise the endpoint of a whole body that could not be read. */
  kind: string;
  /** What was sent: the JSON value, or the text as received when it is not JSON (or too deep to nest). */
  body: unknown;
}
