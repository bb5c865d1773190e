/** When to try again after a failed send: exponential backoff with full jitter, 1 s to 5 min, and Retry-After. */

export const MIN_RETRY_MS = 1e3;
export const MAX_RETRY_MS = 3e5;

/**
 * Delay before retry number `attempt` (0 for the first retry): a uniform draw up to
 * min(5 min, 1 s * 2^attempt), never under 1 s, and never before the server's `Retry-After`.
 */
export function retryDelay(attempt: number, random: number, retryAfterMs: number): number {
  return Math.max(retryAfterMs, MIN_RETRY_MS, random * Math.min(MIN_RETRY_MS * 2 ** attempt, MAX_RETRY_MS));
}

/** `Retry-After` in ms: delta seconds or an HTTP date; 0 when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number): number {
  // Absent: null and '' are the number 0, undefined parses as no date. NaN (unreadable) and a past date are 0,
  // whatever way a minifier writes the comparison. One expression, which terser writes without a `let` and `return`.
  return Math.max(0, +header! === +header! ? +header! * 1e3 : Date.parse(header!) - now) || 0;
}
