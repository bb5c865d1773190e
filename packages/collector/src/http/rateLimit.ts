import { isIPv4, isIPv6 } from 'node:net';
import { HttpError } from './errors';

// Buckets are kept per client address; past this many the least recently used are forgotten (a forgotten one starts full).
const MAX_BUCKETS = 50_000;

/**
 * Token buckets by key: `perSecond` refill, bursts up to twice that, at most `MAX_BUCKETS` keys kept.
 * `wait(key)` is 0 when a token is there, else the whole seconds until one is back.
 */
export function createTokenBuckets(perSecond: number, now: () => number, maxKeys = MAX_BUCKETS) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const capacity = perSecond * 2;

  function refilled(key: string): { tokens: number; at: number } {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: capacity, at: t };
    bucket.tokens = Math.min(capacity, bucket.tokens + (Math.max(0, t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
    // Re-inserted last: Map order is the recency order, so the oldest key is the first to forget.
    buckets.delete(key);
    buckets.set(key, bucket);
    if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
    return bucket;
  }

  return {
    wait(key: string): number {
      const { tokens } = refilled(key);
      return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / perSecond));
    },
    spend(key: string): void {
      const bucket = refilled(key);
      bucket.tokens = Math.max(0, bucket.tokens - 1);
    },
    get size() {
      return buckets.size;
    },
  };
}

/**
 * The part of a client address that one party controls: IPv4 as is, IPv6 by its /64 (one host or LAN
 * holds a whole /64, so counting single IPv6 addresses would let one client be millions of clients).
 */
export function clientKeyOf(ip: string | undefined): string {
  if (!ip) return '';
  const address = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

const limited = (wait: number, message: string) =>
  new HttpError(429, 'rate_limited', `${message}; retry in ${wait} s`, { 'Retry-After': String(wait) });

export interface IngestRateLimits {
  /** Requests per second for a whole app (HEADCOUNT_RATE_LIMIT); 0 turns it off. */
  perApp: number;
  /** Requests per second for one client address within an app; 0 turns it off. */
  perAddress: number;
}

export interface RateLimiter {
  /** Admits one ingest request of `client` (its IP) for `appId`, or throws 429 with Retry-After. */
  take(appId: string, client?: string): void;
}

/**
 * Ingest limits: each client address of an app has its own bucket, checked first, so one abusive client
 * runs dry on its own; the app-wide ceiling above it only counts what the address buckets let through.
 */
export function createRateLimiter(limits: IngestRateLimits, now: () => number = Date.now): RateLimiter {
  const apps = createTokenBuckets(limits.perApp, now);
  const addresses = createTokenBuckets(limits.perAddress, now);
  return {
    take(appId, client) {
      const addressKey = `${appId} ${clientKeyOf(client)}`;
      if (limits.perAddress > 0) {
        const wait = addresses.wait(addressKey);
        if (wait > 0) throw limited(wait, 'too many requests from your address for this app');
      }
      if (limits.perApp > 0) {
        const wait = apps.wait(appId);
        if (wait > 0) throw limited(wait, 'too many requests for this app');
        apps.spend(appId);
      }
      if (limits.perAddress > 0) addresses.spend(addressKey);
    },
  };
}

export interface AuthFailureLimiter {
  /** Throws 429 when `client` has failed too many key checks lately. */
  check(client: string | undefined): void;
  /** Counts one failed key check (a 401) against `client`. */
  failed(client: string | undefined): void;
}

/** Failed key checks (401s) per client address: a client guessing keys gets 429 before any lookup. */
export function createAuthFailureLimiter(perSecond: number, now: () => number = Date.now): AuthFailureLimiter {
  const failures = createTokenBuckets(perSecond, now);
  return {
    check(client) {
      if (perSecond <= 0) return;
      const wait = failures.wait(clientKeyOf(client));
      if (wait > 0) throw limited(wait, 'too many requests with a wrong key from your address');
    },
    failed(client) {
      if (perSecond > 0) failures.spend(clientKeyOf(client));
    },
  };
}
