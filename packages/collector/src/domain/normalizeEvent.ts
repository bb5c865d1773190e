import { createHash } from 'node:crypto';
import type { EventContext, EventType, HeadcountEvent, JsonObject } from '@headcount/schema';
import { createBoundedCache } from '../http/boundedCache';
import { CopyRow, hasUnstorableEscape } from './copyRow';
import { correctClockSkew } from './correctClockSkew';
import { deriveMessageId } from './deriveMessageId';
import { truncateIp } from './truncateIp';

/**
 * A validated event, ready to be sessionized and stored: what a request holds while it waits for its commit. What only
 * the stored row needs (properties, traits, the sent times, extra fields) is in `copyRow` alone, so the parsed objects
 * die young instead of being copied by the garbage collector for every event in flight.
 */
export interface NormalizedEvent {
  messageId: string;
  type: EventType;
  event: string | null;
  name: string | null;
  anonymousId: string | null;
  userId: string | null;
  previousId: string | null;
  groupId: string | null;
  /** The SDK's session id; null means "group by 30 minutes of inactivity". */
  sessionId: string | null;
  /** Clock-corrected event time. */
  timestamp: Date;
  receivedAt: Date;
  /**
   * Of the properties, what a visit's summary reads: `{ reason }` when they have a `reason` (a Session Ended's says how
   * the visit ended), else null; stored visit events carry the same (visitEventsRepository).
   */
  properties: JsonObject | null;
  context: EventContext;
  /**
   * The context but its page (null when there is nothing else): the same on most events of a visit, it is stored
   * once per app in event_contexts under `key` (a hash of its JSON text, `json`).
   */
  sharedContext: { key: string; json: string } | null;
  /**
   * The stored columns (all but app, session and the shared context, in `STORED_COLUMNS` order) as COPY text,
   * built once: the insert's rows and the event's size. Its context column holds the page only.
   */
  copyRow: string;
  /** The stored size in bytes (the fields as PostgreSQL reads them, without COPY's escapes). */
  bytes: number;
  /** False when a field holds what PostgreSQL cannot store (NUL, an unpaired surrogate): the event is rejected. */
  storable: boolean;
}

/** What only the stored row holds of an event (`copyRow`). */
interface SentFields {
  originalTimestamp: Date | null;
  sentAt: Date | null;
  properties: JsonObject | null;
  traits: JsonObject | null;
  /** Top-level fields the wire format does not name (Segment's `channel`, `integrations`, `projectId`...), kept as sent. */
  extra: JsonObject | null;
}

export interface RequestFacts {
  receivedAt: Date;
  /**
   * Trust the event's own `receivedAt` (Segment's webhook destination relays events it received earlier):
   * clock correction must measure from the first receipt, not from a delayed relay.
   */
  upstreamReceipt?: boolean;
  /** The connecting address, used when the event does not name the visitor's IP. */
  ip?: string | undefined;
  /** A batch's `sentAt`, for events without their own. */
  sentAt?: string | undefined;
  /** A batch's `context`, merged under each event's own (the event's keys win). */
  context?: EventContext | undefined;
}

/** The page fields browsers and Segment's libraries send; each has a column of its own in events (migration 0015). */
export const PAGE_FIELDS = ['url', 'path', 'search', 'referrer', 'title'] as const;

// Fields stored in columns of their own; `writeKey` is a credential, never stored.
const NAMED_FIELDS: ReadonlySet<string> = new Set([
  'type', 'messageId', 'anonymousId', 'userId', 'event', 'name', 'properties', 'traits', 'previousId', 'groupId',
  'timestamp', 'originalTimestamp', 'sentAt', 'receivedAt', 'context', 'writeKey',
]);

function extraFieldsOf(event: HeadcountEvent): JsonObject | null {
  let extra: JsonObject | null = null;
  for (const key in event) {
    if (NAMED_FIELDS.has(key)) continue;
    (extra ??= {})[key] = (event as unknown as JsonObject)[key];
  }
  return extra;
}

const toDate = (value: string | undefined): Date | null => (value ? new Date(value) : null);

/** Segment libraries put page facts in `properties`; the browser in `context.page`. Sessions read the latter. */
function fillPageContext(event: HeadcountEvent, context: EventContext): void {
  if (event.type !== 'page' || !event.properties) return;
  for (const field of PAGE_FIELDS) {
    const value = event.properties[field];
    if (typeof value !== 'string' || context.page?.[field] !== undefined) continue;
    context.page = { ...context.page, [field]: value };
  }
}

/**
 * Turns a validated event into what is stored. Takes ownership of `event` (a freshly parsed body):
 * its context is completed in place rather than copied, which matters on the ingest hot path.
 */
export function normalizeEvent(event: HeadcountEvent, facts: RequestFacts): NormalizedEvent {
  // Derived before the context is completed in place: from what was sent.
  const messageId = event.messageId || deriveMessageId(event, facts);
  const merged: EventContext = facts.context ? { ...facts.context, ...event.context } : (event.context ?? {});
  fillPageContext(event, merged);
  const ip = truncateIp(merged.ip ?? facts.ip);
  if (ip) merged.ip = ip;
  else delete merged.ip;

  const originalTimestamp = toDate(event.originalTimestamp ?? event.timestamp);
  const sentAt = toDate(event.sentAt ?? facts.sentAt);
  const upstream = facts.upstreamReceipt ? toDate(event.receivedAt) : null;
  const receivedAt = upstream && upstream < facts.receivedAt ? upstream : facts.receivedAt;
  const hasProperties = event.type === 'track' || event.type === 'page' || event.type === 'screen';
  const hasTraits = event.type === 'identify' || event.type === 'group';
  const sent: SentFields = {
    originalTimestamp,
    sentAt,
    properties: hasProperties ? ((event as { properties?: JsonObject }).properties ?? {}) : null,
    traits: hasTraits ? ((event as { traits?: JsonObject }).traits ?? {}) : null,
    extra: extraFieldsOf(event),
  };
  const normalized: NormalizedEvent = {
    messageId,
    type: event.type,
    event: event.type === 'track' ? event.event : null,
    name: (event.type === 'page' || event.type === 'screen') && event.name ? event.name : null,
    anonymousId: event.anonymousId || null,
    userId: event.userId || null,
    previousId: event.type === 'alias' ? event.previousId : null,
    groupId: event.type === 'group' ? event.groupId : null,
    sessionId: merged.sessionId || null,
    timestamp: correctClockSkew(originalTimestamp, sentAt, receivedAt),
    receivedAt: facts.receivedAt,
    properties: sent.properties !== null && Object.hasOwn(sent.properties, 'reason') ? { reason: sent.properties.reason } : null,
    context: merged,
    sharedContext: null,
    copyRow: '',
    bytes: 0,
    storable: true,
  };
  // The page is the event's own; the rest of the context is shared with the visit's other events (stored once).
  const page = merged.page;
  const sharedPart = sharedPartOf(merged);
  // The cached part itself (shared by every event naming it, never changed): no copy per event.
  normalized.sharedContext = sharedPart;
  // The context the write reads (sessions, placement) is the cached one with this event's page: the event's own parsed
  // copy dies young instead of being kept, and copied by the garbage collector, while its request waits for a commit.
  if (sharedPart !== null) normalized.context = page === undefined ? sharedPart.context : { ...sharedPart.context, page };
  const row = copyRowOf(normalized, sent, sharedPart === null ? merged : page === undefined ? null : { page });
  normalized.copyRow = row.toString();
  normalized.bytes = Buffer.byteLength(normalized.copyRow) - row.escapes + (sharedPart?.bytes ?? 0);
  normalized.storable = row.storable && (sharedPart?.storable ?? true);
  return normalized;
}

interface SharedPart {
  /** Names the shared context in event_contexts: the first 128 bits of its JSON's SHA-256, as a uuid. */
  key: string;
  json: string;
  /** The context it is the JSON of, frozen: every event naming it reads this one. */
  context: EventContext;
  /** Its stored size. */
  bytes: number;
  storable: boolean;
}

// A visit's events carry the same shared context, and a browser's batch holds one visit: most events find theirs
// here instead of hashing it again.
const sharedParts = createBoundedCache<SharedPart>({ maxEntries: 2_000, maxBytes: 4 << 20 });

// The shared part each recent visit named last, by its session id (else its user agent): a visit's next event finds it
// by comparing fields, without serializing its context and looking the text up (a fifth of the intake's time).
const RECENT_VISITS = 1_000;
const recentParts = new Map<string, SharedPart>();

/** The stored part of a context but its page, or null when there is nothing else. */
function sharedPartOf(context: EventContext): SharedPart | null {
  const hint = typeof context.sessionId === 'string' ? context.sessionId : typeof context.userAgent === 'string' ? context.userAgent : '';
  const recent = recentParts.get(hint);
  // Compared in place: the context but its page is copied only when it is new.
  if (recent !== undefined && sameEntries(context, recent.context, 'page')) return recent;
  const { page: _page, ...shared } = context;
  if (Object.keys(shared).length === 0) return null;
  const part = sharedContextOf(JSON.stringify(shared), shared);
  if (recentParts.size >= RECENT_VISITS) recentParts.clear();
  recentParts.set(hint, part);
  return part;
}

/**
 * Whether two parsed JSON values are the same value (objects: the same keys, in any order, with the same values).
 * Keys in another order serialize differently, but PostgreSQL stores jsonb with its keys sorted: the same entry.
 */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJsonValue(a[i], b[i])) return false;
    return true;
  }
  return sameEntries(a as Record<string, unknown>, b as Record<string, unknown>);
}

/** Whether two objects hold the same keys with the same JSON values, `skipped` (a key of `a`'s) left out of `a`. */
function sameEntries(a: Record<string, unknown>, b: Record<string, unknown>, skipped?: string): boolean {
  let keys = 0;
  for (const key in a) {
    if (key === skipped) continue;
    if (!Object.hasOwn(b, key) || !sameJsonValue(a[key], b[key])) return false;
    keys++;
  }
  for (const key in b) if (Object.hasOwn(b, key)) keys--;
  return keys === 0;
}

function sharedContextOf(json: string, context: EventContext): SharedPart {
  const known = sharedParts.get(json);
  if (known) return known;
  const part = {
    key: createHash('sha256').update(json).digest('hex').slice(0, 32), json, context: deepFreeze(context),
    bytes: Buffer.byteLength(json), storable: !hasUnstorableEscape(json),
  };
  // The text (2 bytes a character at most) and the parsed context (about as much again).
  sharedParts.set(json, part, json.length * 4);
  return part;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The `events` columns an event's `copyRow` holds, in its order. */
export const STORED_COLUMNS = `message_id, type, event, name, anonymous_id, user_id, previous_id, group_id,
  "timestamp", original_timestamp, sent_at, received_at, properties, traits, context, extra,
  ${PAGE_FIELDS.map((field) => `page_${field}`).join(', ')}, page_origin, page_properties`;

type PlainPage = Partial<Record<(typeof PAGE_FIELDS)[number], string>>;

/**
 * The page of an event's own context when the page columns can hold it exactly: the context is only a page, made
 * of PAGE_FIELDS only, each a string. Anything else is stored as jsonb, as sent.
 */
function plainPageOf(own: EventContext | null): PlainPage | null {
  if (own === null) return null;
  let page: unknown;
  for (const key in own) {
    if (key !== 'page') return null;
    page = own.page;
  }
  if (typeof page !== 'object' || page === null || Array.isArray(page)) return null;
  let fields = 0;
  for (const key in page) {
    if (!(PAGE_FIELDS as readonly string[]).includes(key) || typeof (page as Record<string, unknown>)[key] !== 'string') return null;
    fields++;
  }
  return fields > 0 ? (page as PlainPage) : null;
}

/**
 * What a page's url starts with when the url is exactly that, then the page's path, then its search (migration 0017):
 * only it is stored, and readers rebuild the url (eventsRepository's pageColumnSql). Null: the url is stored whole.
 */
function urlOriginOf(page: PlainPage): string | null {
  const { url, path } = page;
  if (url === undefined || !path) return null;
  const tail = path + (page.search ?? '');
  return url.length > tail.length && url.endsWith(tail) ? url.slice(0, url.length - tail.length) : null;
}

/**
 * A page view's properties less the page fields they repeat (Segment's and RudderStack's page calls send the page both
 * in properties and in context.page), and which fields those were: bit i for PAGE_FIELDS[i] (migration 0017). Readers
 * put them back from the page columns (eventsRepository's propertiesSql). Null: the properties are stored whole.
 */
function pagePropertiesOf(type: EventType, properties: JsonObject | null, page: PlainPage | null): { repeated: number; rest: JsonObject | null } | null {
  if (type !== 'page' || properties === null || page === null) return null;
  let repeated = 0;
  let rest: JsonObject | null = null;
  for (const key in properties) {
    const value = properties[key];
    const field = (PAGE_FIELDS as readonly string[]).indexOf(key);
    if (field >= 0 && value === page[key as (typeof PAGE_FIELDS)[number]]) repeated |= 1 << field;
    // A null-prototype object: a "__proto__" key is a property like any other.
    else (rest ??= Object.create(null) as JsonObject)[key] = value;
  }
  return repeated === 0 ? null : { repeated, rest };
}

function copyRowOf(e: NormalizedEvent, sent: SentFields, ownContext: EventContext | null): CopyRow {
  const page = plainPageOf(ownContext);
  const origin = page === null ? null : urlOriginOf(page);
  const pageProperties = pagePropertiesOf(e.type, sent.properties, page);
  const row = new CopyRow()
    .text(e.messageId).raw(e.type).text(e.event).text(e.name)
    .text(e.anonymousId).text(e.userId).text(e.previousId).text(e.groupId)
    .time(e.timestamp).time(sent.originalTimestamp).time(sent.sentAt).time(e.receivedAt)
    .json(pageProperties === null ? sent.properties : pageProperties.rest).json(sent.traits)
    .json(page === null ? ownContext : null).json(sent.extra);
  for (const field of PAGE_FIELDS) row.text(field === 'url' && origin !== null ? null : (page?.[field] ?? null));
  row.text(origin);
  return pageProperties === null ? row.null() : row.raw(String(pageProperties.repeated));
}

/** Whose sessions an event joins: the device's anonymousId, else the userId (server-side libraries). */
export const sessionOwnerOf = (e: { anonymousId: string | null; userId: string | null }): string =>
  (e.anonymousId ?? e.userId) as string;
