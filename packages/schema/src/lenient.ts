/**
 * Segment's API accepts forms whose meaning is clear; so does Headcount. They are rewritten in place
 * to the canonical form before validation, so everything downstream sees one shape.
 */
import { isPlainObject } from './isPlainObject';

const ID_FIELDS = ['userId', 'anonymousId', 'groupId', 'previousId'] as const;
const SCREEN_NUMBERS = ['width', 'height', 'density'] as const;
const NUMERIC = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;

/** A number sent as an id is the same id as its decimal string (RudderStack's numeric session ids, numeric user ids). */
function idOf(value: unknown): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  // String(1e21) is "1e+21": ids that large are integers written out in full.
  return Number.isInteger(value) && Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
}

export function coerceLenientFields(event: Record<string, unknown>): void {
  if (typeof event.type === 'string') event.type = event.type.toLowerCase();
  for (const field of ID_FIELDS) {
    if (typeof event[field] === 'number') event[field] = idOf(event[field]);
  }
  const context = event.context;
  if (!isPlainObject(context)) return;
  if (typeof context.sessionId === 'number') context.sessionId = idOf(context.sessionId);
  const screen = context.screen;
  if (!isPlainObject(screen)) return;
  for (const key of SCREEN_NUMBERS) {
    const value = screen[key];
    if (typeof value === 'string' && NUMERIC.test(value)) screen[key] = Number(value);
  }
}
