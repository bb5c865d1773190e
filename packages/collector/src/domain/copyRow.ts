/**
 * Fields of one row in PostgreSQL's COPY text format (tab-separated, `\N` for NULL, backslash escapes),
 * the form events are written in; each field also tells whether PostgreSQL can store it at all.
 */
export class CopyRow {
  private readonly fields: string[] = [];
  /** False once a field holds what PostgreSQL refuses (NUL, an unpaired UTF-16 surrogate). */
  storable = true;
  /** Characters COPY's escapes added (all ASCII): the stored size is the text's bytes less these. */
  escapes = 0;

  text(value: string | null): this {
    if (value === null) return this.null();
    if (UNSTORABLE_TEXT.test(value)) this.storable = false;
    const escaped = copyText(value);
    this.escapes += escaped.length - value.length;
    this.fields.push(escaped);
    return this;
  }

  time(value: Date | null): this {
    return value === null ? this.null() : this.raw(isoTime(value));
  }

  /** A jsonb value, serialized here (JSON escapes control characters, so only backslashes need COPY's escape). */
  json(value: unknown): this {
    return value === null || value === undefined ? this.null() : this.jsonText(JSON.stringify(value));
  }

  /** A jsonb value already serialized. */
  jsonText(json: string): this {
    if (hasUnstorableEscape(json)) this.storable = false;
    const escaped = json.includes('\\') ? json.replace(BACKSLASHES, '\\\\') : json;
    this.escapes += escaped.length - json.length;
    this.fields.push(escaped);
    return this;
  }

  /** A field that needs no escaping (numbers, ISO times, generated ids). */
  raw(value: string): this {
    this.fields.push(value);
    return this;
  }

  null(): this {
    this.fields.push('\\N');
    return this;
  }

  toString(): string {
    return this.fields.join('\t');
  }
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const BACKSLASHES = /\\/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeOf = (c: string) => ESCAPES[c] as string;

/** `value` as one field of a COPY text row: backslash, tab and line breaks escaped. */
export const copyText = (value: string): string => (SPECIAL.test(value) ? value.replace(SPECIALS, escapeOf) : value);

// NUL, or a surrogate without its pair (UTF-8 cannot carry it: it would be stored as U+FFFD, silently changed).
const UNSTORABLE_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// In JSON text: an escape that is not itself escaped, \u0000 or a surrogate (JSON.stringify escapes only unpaired ones).
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** PostgreSQL's JSON types refuse NUL and unpaired surrogates; one such string must not fail its neighbours. */
export function hasUnstorableEscape(json: string): boolean {
  return json.includes('\\u') && UNSTORABLE_ESCAPE.test(json);
}

// Every event has its own time: `toISOString` (~0.4 µs) ran a few times per event on the ingest hot path. The
// date part changes once a day, so it is formatted once; the time of day is assembled from two-digit pieces. Each
// second's text is kept in a small table: a batch's events share their seconds, and a request's sentAt and receivedAt
// repeat for every event it carries, so a time costs one concatenation, or none when it repeats (a template literal of
// seven pieces allocated ~200 B a time, ~1 KB an event). Same text as `toISOString`, for any year it can print.
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const MILLIS = Array.from({ length: 1000 }, (_, n) => `.${String(n).padStart(3, '0')}Z`);
let dayNumber = Number.NaN;
let dayPrefix = '';
// Slot `second & 15`: the second it holds, its text up to the seconds, and the last full time it gave.
const SLOTS = 16;
const slotSecond = new Float64Array(SLOTS).fill(Number.NaN);
const slotPrefix = Array.from({ length: SLOTS }, () => '');
const slotMs = new Float64Array(SLOTS).fill(Number.NaN);
const slotText = Array.from({ length: SLOTS }, () => '');

/** `value.toISOString()` (UTC, milliseconds, `Z`), without formatting a second's date and time again for each event. */
export function isoTime(value: Date): string {
  const ms = value.getTime();
  const second = Math.floor(ms / 1000);
  // An invalid date's second is NaN, never equal: secondPrefix's toISOString throws its RangeError, as before.
  const slot = second & (SLOTS - 1);
  if (slotSecond[slot] === second) {
    if (slotMs[slot] === ms) return slotText[slot] as string;
  } else {
    slotPrefix[slot] = secondPrefix(value, second);
    slotSecond[slot] = second;
  }
  const text = (slotPrefix[slot] as string) + MILLIS[ms - second * 1000];
  slotMs[slot] = ms;
  slotText[slot] = text;
  return text;
}

/** `value.toISOString()` up to its seconds (`2026-12-02T04:31:07`), for the second it falls in. */
function secondPrefix(value: Date, second: number): string {
  const day = Math.floor(second / 86_400);
  if (day !== dayNumber) {
    const iso = value.toISOString();
    dayNumber = day;
    dayPrefix = iso.slice(0, iso.indexOf('T') + 1);
  }
  let rest = second - day * 86_400;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  return `${dayPrefix}${TWO_DIGITS[(rest - minutes) / 60]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}`;
}
