import { isConnectionError } from '../storage/database';

// SQLSTATE classes that blame the data, not the connection or Headcount: data exception and
// program limit exceeded (too deep, too large). An integrity violation is Headcount's own bug.
const DATA_CLASSES = new Set(['22', '54']);

/**
 * True when the database refused a statement because of the values it was given: worth isolating the
 * event that caused it. Anything else (a lost connection, a timeout, a bug in Headcount) fails as it is.
 */
export function isRefusalOfData(err: unknown): boolean {
  if (isConnectionError(err)) return false;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && DATA_CLASSES.has(code.slice(0, 2));
}
