/**
 * A text array as PostgreSQL's array literal (`{"a","b",NULL}`), for a `$n::text[]`-typed parameter: what `pg` builds
 * from a JavaScript array, without its two replacements per element for the ids and times that need no escaping.
 */
export function arrayLiteral(values: ReadonlyArray<string | null>): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string | null;
    if (i > 0) literal += ',';
    literal += value === null ? 'NULL' : `"${NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, '\\$&') : value}"`;
  }
  return `${literal}}`;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;
