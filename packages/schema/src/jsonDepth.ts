/**
 * Nesting depth, measured without recursion: a request may nest hundreds of thousands of levels,
 * which JSON.parse accepts but anything recursive (JSON.stringify included) would overflow on.
 */

/**
 * Deepest nesting of `{`/`[` in JSON text (`{}` is 1), ignoring brackets inside strings. The text may also be its
 * UTF-8 bytes, as received: the characters that count are ASCII, and no byte of a multi-byte character is ASCII.
 */
export function maxJsonDepth(text: string | Uint8Array): number {
  const bytes = typeof text !== 'string';
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = bytes ? (text[i] as number) : text.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(text, i);
      if (i < 0) break;
    } else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * Where the string opened by the quote at `open` ends (its closing quote), or -1 if it never does. Found by the
 * native search for the next quote, which is the closing one unless an odd run of backslashes escapes it: most of
 * an event's text is strings, so this spares a step per character.
 */
function stringEnd(text: string | Uint8Array, open: number): number {
  let at = open;
  for (;;) {
    at = typeof text === 'string' ? text.indexOf('"', at + 1) : text.indexOf(34, at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while ((typeof text === 'string' ? text.charCodeAt(at - 1 - backslashes) : text[at - 1 - backslashes]) === 92) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** True when a parsed JSON value nests deeper than `limit` (a bare object or array is 1). */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
