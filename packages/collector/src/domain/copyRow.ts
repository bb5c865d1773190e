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
    this.fields.push(SPECIAL.test(value) ? this.escaped(value, value.replace(SPECIALS, escapeOf)) : value);
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
    this.fields.push(json.includes('\\') ? this.escaped(json, json.replace(BACKSLASHES, '\\\\')) : json);
    return this;
  }

  private escaped(value: string, escaped: string): string {
    this.escapes += escaped.length - value.length;
    return escaped;
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

// NUL, or a surrogate without its pair (UTF-8 cannot carry it: it would be stored as U+FFFD, silently changed).
const UNSTORABLE_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// In JSON text: an escape that is not itself escaped, \u0000 or a surrogate (JSON.stringify escapes only unpaired ones).
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** PostgreSQL's JSON types refuse NUL and unpaired surrogates; one such string must not fail its neighbours. */
function hasUnstorableEscape(json: string): boolean {
  return json.includes('\\u') && UNSTORABLE_ESCAPE.test(json);
}

// Every event has its own time: `toISOString` (~0.4 µs) ran a few times per event on the ingest hot path. The
// date part changes once a day, so it is formatted once; the time of day is assembled from two- and three-digit
// pieces (~0.1 µs). Same text as `toISOString`, for any year it can print.
const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
let dayNumber = Number.NaN;
let dayPrefix = '';

/** `value.toISOString()` (UTC, milliseconds, `Z`), without formatting its date part again for each event of a day. */
export function isoTime(value: Date): string {
  const ms = value.getTime();
  const day = Math.floor(ms / DAY_MS);
  // An invalid date's day is NaN, never equal: toISOString throws its RangeError, as before.
  if (day !== dayNumber) {
    const iso = value.toISOString();
    dayNumber = day;
    dayPrefix = iso.slice(0, iso.indexOf('T') + 1);
  }
  let rest = ms - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  return `${dayPrefix}${TWO_DIGITS[(rest - minutes) / 60]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
}
