import { HttpError } from './errors';

/**
 * Per-app token bucket on ingest requests: `perSecond` refill, bursts up to twice that.
 * A client over it gets 429 with the seconds until a token is back.
 */
export function createRateLimiter(perSecond: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const capacity = perSecond * 2;
  return {
    take(appId: string): void {
      if (perSecond <= 0) return;
      const t = now();
      const bucket = buckets.get(appId) ?? { tokens: capacity, at: t };
      bucket.tokens = Math.min(capacity, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      buckets.set(appId, bucket);
      if (bucket.tokens < 1) {
        const wait = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
        throw new HttpError(429, 'rate_limited', `too many requests for this app; retry in ${wait} s`, { 'Retry-After': String(wait) });
      }
      bucket.tokens -= 1;
    },
  };
}
