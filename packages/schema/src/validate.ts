/**
 * The runtime validator: one pass per event, precise messages, no dependencies.
 * The collector runs it on every event; the SDK never imports it (types only).
 */
import type { EventError, EventType, HeadcountEvent } from './events';
import { isPlainObject } from './isPlainObject';
import { exceedsDepth } from './jsonDepth';
import { coerceLenientFields } from './lenient';
import {
  MAX_EVENT_BYTES, MAX_EVENT_DEPTH, MAX_ID_LENGTH, MAX_MESSAGE_ID_LENGTH, MAX_NAME_LENGTH, MAX_STORABLE_TIME, MIN_STORABLE_TIME,
} from './limits';

export type ValidationResult = { ok: true; event: HeadcountEvent } | { ok: false; error: EventError };

const EVENT_TYPES: ReadonlySet<string> = new Set<EventType>([
  'track', 'page', 'screen', 'identify', 'alias', 'group', 'ping',
]);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

class Invalid {
  constructor(readonly error: EventError) {}
}

function fail(code: EventError['code'], message: string): never {
  throw new Invalid({ code, message });
}

export { isPlainObject };

function optionalString(obj: Record<string, unknown>, key: string, path: string, max?: number): void {
  const value = obj[key];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') fail('invalid_field', `${path} must be a string`);
  if (max !== undefined && value.length > max) fail('invalid_field', `${path} must be at most ${max} characters`);
}

function optionalObject(obj: Record<string, unknown>, key: string, path: string): Record<string, unknown> | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) fail('invalid_field', `${path} must be an object`);
  return value;
}

function optionalDate(obj: Record<string, unknown>, key: string): void {
  const value = obj[key];
  if (value === undefined || value === null) return;
  if (!isIsoDate(value)) {
    fail('invalid_field', `${key} must be an ISO 8601 date such as 2026-11-22T10:00:00.000Z`);
  }
  if (!isStorableTime(Date.parse(value))) fail('invalid_field', `${key} must be between the years 0001 and 9999`);
}

function requiredString(obj: Record<string, unknown>, key: string, forType: string, max: number): void {
  const value = obj[key];
  if (value === undefined || value === null || value === '') fail('missing_field', `${key} is required for ${forType}`);
  if (typeof value !== 'string') fail('invalid_field', `${key} must be a string`);
  if (value.length > max) fail('invalid_field', `${key} must be at most ${max} characters`);
}

// Each checked key with the path a failure names, made once: building the path per event cost an allocation for
// every field of every event (~350 B an event), for a message almost never sent.
const pathsOf = (prefix: string, keys: readonly string[]) => keys.map((key) => [key, `${prefix}${key}`] as const);
const PAGE_PATHS = pathsOf('context.page.', ['url', 'path', 'search', 'referrer', 'title']);
const CAMPAIGN_PATHS = pathsOf('context.campaign.', ['source', 'medium', 'name', 'term', 'content']);
const SCREEN_PATHS = pathsOf('context.screen.', ['width', 'height', 'density']);
const CONTEXT_PATHS = pathsOf('context.', ['userAgent', 'locale', 'timezone', 'ip']);

function validateContext(context: Record<string, unknown>): void {
  const page = optionalObject(context, 'page', 'context.page');
  if (page) for (const [key, path] of PAGE_PATHS) optionalString(page, key, path);
  const campaign = optionalObject(context, 'campaign', 'context.campaign');
  if (campaign) for (const [key, path] of CAMPAIGN_PATHS) optionalString(campaign, key, path);
  const screen = optionalObject(context, 'screen', 'context.screen');
  if (screen) {
    for (const [key, path] of SCREEN_PATHS) {
      const value = screen[key];
      if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
        fail('invalid_field', `${path} must be a number`);
      }
    }
  }
  const clickIds = optionalObject(context, 'clickIds', 'context.clickIds');
  if (clickIds) for (const key of Object.keys(clickIds)) optionalString(clickIds, key, `context.clickIds.${key}`, MAX_ID_LENGTH * 4);
  optionalObject(context, 'library', 'context.library');
  for (const [key, path] of CONTEXT_PATHS) optionalString(context, key, path);
  optionalString(context, 'sessionId', 'context.sessionId', MAX_ID_LENGTH);
}

function check(input: unknown, options: ValidateOptions): HeadcountEvent {
  if (!isPlainObject(input)) fail('invalid_event', 'each event must be a JSON object');
  // First: anything below stringifies the event, which a pathological depth would overflow.
  if (!options.depthChecked && exceedsDepth(input, MAX_EVENT_DEPTH)) {
    fail('too_deep', `the event is nested deeper than ${MAX_EVENT_DEPTH} levels`);
  }
  coerceLenientFields(input);
  const type = input.type;
  if (type === undefined || type === null || type === '') fail('missing_field', 'type is required');
  if (typeof type !== 'string' || !EVENT_TYPES.has(type)) {
    fail('invalid_type', `type must be one of track, page, screen, identify, alias, group, ping (got ${JSON.stringify(type)})`);
  }
  optionalString(input, 'messageId', 'messageId', MAX_MESSAGE_ID_LENGTH);
  optionalString(input, 'anonymousId', 'anonymousId', MAX_ID_LENGTH);
  optionalString(input, 'userId', 'userId', MAX_ID_LENGTH);
  if (!input.anonymousId && !input.userId) fail('missing_identity', 'anonymousId or userId is required');
  optionalDate(input, 'timestamp');
  optionalDate(input, 'originalTimestamp');
  optionalDate(input, 'sentAt');
  optionalDate(input, 'receivedAt');
  const context = optionalObject(input, 'context', 'context');
  if (context) validateContext(context);
  optionalObject(input, 'integrations', 'integrations');

  switch (type) {
    case 'track':
      requiredString(input, 'event', 'track', MAX_NAME_LENGTH);
      optionalObject(input, 'properties', 'properties');
      break;
    case 'page':
    case 'screen':
      optionalString(input, 'name', 'name', MAX_NAME_LENGTH);
      optionalString(input, 'category', 'category', MAX_NAME_LENGTH);
      optionalObject(input, 'properties', 'properties');
      break;
    case 'identify':
      optionalObject(input, 'traits', 'traits');
      break;
    case 'alias':
      requiredString(input, 'previousId', 'alias', MAX_ID_LENGTH);
      if (!input.userId) fail('missing_field', 'userId is required for alias');
      break;
    case 'group':
      requiredString(input, 'groupId', 'group', MAX_ID_LENGTH);
      optionalObject(input, 'traits', 'traits');
      break;
  }
  const bytes = options.size ?? jsonBytes(input);
  if (bytes > MAX_EVENT_BYTES) fail('event_too_large', `event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES}`);
  return input as unknown as HeadcountEvent;
}

/** UTF-8 size of a value's JSON, without allocating a Buffer. */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value) ?? '';
  let bytes = json.length;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff) { bytes += 2; i++; }
    else bytes += 2;
  }
  return bytes;
}

export interface ValidateOptions {
  /** The event's JSON byte size when the caller knows it (or checks the size itself: 0). */
  size?: number;
  /** The caller measured the JSON's nesting (`maxJsonDepth` of the whole body) and it is within MAX_EVENT_DEPTH. */
  depthChecked?: boolean;
}

/**
 * Checks one event against the wire format. Lenient forms whose meaning is clear (a numeric id,
 * `"TRACK"`, `"1280"` for a screen width) are rewritten in place to their canonical form first.
 */
export function validateEvent(input: unknown, options: ValidateOptions = {}): ValidationResult {
  try {
    return { ok: true, event: check(input, options) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.error };
    throw err;
  }
}

/** Checks a batch-level `context` (it is merged under each event's own); null when valid. */
export function validateBatchContext(context: unknown): EventError | null {
  try {
    if (!isPlainObject(context)) fail('invalid_field', 'context must be an object');
    if (exceedsDepth(context, MAX_EVENT_DEPTH - 1)) fail('too_deep', `context is nested deeper than ${MAX_EVENT_DEPTH - 1} levels`);
    coerceLenientFields({ context });
    validateContext(context);
    return null;
  } catch (err) {
    if (err instanceof Invalid) return err.error;
    throw err;
  }
}

/** True for a time PostgreSQL can store and the wire format can write (years 0001 to 9999). */
export function isStorableTime(ms: number): boolean {
  return ms >= MIN_STORABLE_TIME && ms <= MAX_STORABLE_TIME;
}

/** True for the ISO 8601 dates the wire format takes. */
export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}
