/**
 * JSON.stringify without recursion, for values nested too deep for it (the dead-letter store keeps
 * such events verbatim). Shallow values take JSON.stringify's fast path.
 */
export function serializeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  const out: string[] = [];
  // Work items: a value to write, or a literal piece of text (separators, keys, closing brackets).
  const stack: Array<{ value: unknown } | string> = [{ value }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown } | string;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const current = item.value;
    if (Array.isArray(current)) {
      stack.push(']');
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push({ value: current[i] === undefined ? null : current[i] });
        if (i > 0) stack.push(',');
      }
      out.push('[');
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current).filter(([, v]) => v !== undefined && typeof v !== 'function');
      stack.push('}');
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        stack.push({ value: child });
        stack.push(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      }
      out.push('{');
    } else {
      out.push(JSON.stringify(current) ?? 'null');
    }
  }
  return out.join('');
}
