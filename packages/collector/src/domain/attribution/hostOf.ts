/** Host extraction for referrers as browsers and server-side libraries send them. */

const MAX_HOST_LENGTH = 253;
const ANDROID_APP_PREFIX = /^\s*android-app:\/\//i;

const SLASH = 47;
const BACKSLASH = 92;
const QUESTION = 63;
const HASH = 35;

/** True for `android-app://<package>/...`, the referrer Android apps send; the "host" is then a package name. */
export function isAndroidAppUrl(url: string): boolean {
  return ANDROID_APP_PREFIX.test(url);
}

/**
 * The lowercase host of a URL without port, user info or trailing dot, e.g.
 * `https://WWW.Google.co.in:443/search` → `www.google.co.in`,
 * `android-app://com.google.android.gm/` → `com.google.android.gm`.
 * Accepts http(s), android-app, protocol-relative and scheme-less `host.tld/path`;
 * anything else (`about:blank`, `(not set)`, `chrome-extension://...`) is null.
 */
export function hostOf(url: string | null | undefined): string | null {
  if (typeof url !== 'string') return null;
  const text = url.trim();
  let start: number;
  let needsDot = false;
  const schemeEnd = text.indexOf('://');
  if (schemeEnd !== -1) {
    if (!isAllowedScheme(text, schemeEnd)) return null;
    start = schemeEnd + 3;
  } else if (text.charCodeAt(0) === SLASH && text.charCodeAt(1) === SLASH) {
    start = 2;
  } else {
    // Without a scheme, only something that looks like a domain counts ("google.com/x", not "null").
    start = 0;
    needsDot = true;
  }

  let end = start;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === SLASH || c === BACKSLASH || c === QUESTION || c === HASH) break;
    end++;
  }
  const at = text.lastIndexOf('@', end - 1);
  if (at >= start) start = at + 1;
  if (start >= end) return null;

  let host = text.slice(start, end).toLowerCase();
  if (host.charCodeAt(0) === 91 /* [ */) return ipv6Host(host);
  const colon = host.indexOf(':');
  if (colon !== -1) {
    if (!isPort(host, colon + 1)) return null;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!isHostName(host)) return null;
  if (needsDot && !host.includes('.')) return null;
  return host;
}

function isAllowedScheme(text: string, schemeEnd: number): boolean {
  const scheme = text.slice(0, schemeEnd).toLowerCase();
  return scheme === 'https' || scheme === 'http' || scheme === 'android-app';
}

function isPort(host: string, from: number): boolean {
  for (let i = from; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Letters, digits, `-`, `_` and non-ASCII (IDN) characters in non-empty dot-separated labels. */
function isHostName(host: string): boolean {
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) return false;
  let labelLength = 0;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c === 46 /* . */) {
      if (labelLength === 0) return false;
      labelLength = 0;
      continue;
    }
    const ok =
      (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 ||
      (c > 127 && c !== 0xa0 && c !== 0x3000 && c !== 0xfeff && !(c >= 0x2000 && c <= 0x200f));
    if (!ok) return false;
    labelLength++;
  }
  return labelLength > 0;
}

/** `[::1]:8080` → `[::1]`; the brackets stay so the host is unambiguous. */
function ipv6Host(authority: string): string | null {
  const close = authority.indexOf(']');
  if (close < 3) return null;
  for (let i = 1; i < close; i++) {
    const c = authority.charCodeAt(i);
    const ok = (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46;
    if (!ok) return null;
  }
  if (close + 1 < authority.length) {
    if (authority.charCodeAt(close + 1) !== 58 || !isPort(authority, close + 2)) return null;
  }
  return authority.slice(0, close + 1);
}
