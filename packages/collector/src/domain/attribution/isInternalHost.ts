import { hostOf } from './hostOf';

/** `www.shop.example` → `shop.example`. */
export function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

/**
 * True when `host` belongs to the app: equal to one of its hosts ignoring `www.`,
 * or a subdomain of one (`blog.shop.example` for `shop.example`).
 * Entries may be written as hosts or origins (`https://Shop.example:8443`).
 */
export function isInternalHost(host: string, internalHosts: readonly string[]): boolean {
  const own = stripWww(host.toLowerCase());
  if (own === '') return false;
  for (const entry of internalHosts) {
    const internal = normalizeInternalHost(entry);
    if (internal === null) continue;
    if (own === internal) return true;
    // A subdomain: longer, ends with the internal host, and the character before it is a dot.
    if (own.length > internal.length && own.endsWith(internal) && own.charCodeAt(own.length - internal.length - 1) === 46) {
      return true;
    }
  }
  return false;
}

function normalizeInternalHost(entry: string): string | null {
  if (typeof entry !== 'string') return null;
  const plain = /^[a-z0-9.-]+$/.test(entry) ? entry : hostOf(entry.includes('/') ? entry : `//${entry}`);
  if (plain === null || plain === '') return null;
  return stripWww(plain.endsWith('.') ? plain.slice(0, -1) : plain);
}
