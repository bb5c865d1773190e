export interface BackoffPolicy {
  /** Delay step of the first retry. */
  baseMs: number;
  /** The step never grows past this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (0-based): exponential, with "equal jitter" —
 * half the step is fixed so a retry is never immediate, half is random so clients
 * reconnecting after a collector restart spread out instead of arriving together.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return step / 2 + (random() * step) / 2;
}
