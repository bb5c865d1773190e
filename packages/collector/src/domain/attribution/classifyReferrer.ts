/** Lookups into Headcount's referrer table: host suffixes, Android packages and utm_source names. */
import { hostOf } from './hostOf';
import { stripWww } from './isInternalHost';
import {
  COUNTRY_DOMAIN_BRANDS,
  REFERRER_GROUPS,
  SOURCE_ALIASES,
  SOURCE_CATEGORY_WORDS,
  type KnownSource,
  type KnownSourceType,
} from './referrerDomains';

const suffixHosts = new Map<string, KnownSource>();
const exactHosts = new Map<string, KnownSource>();
const androidApps = new Map<string, KnownSource>();
const sourceNames = new Map<string, KnownSource>();
const countryBrands: ReadonlySet<string> = new Set(COUNTRY_DOMAIN_BRANDS);

function addOnce(map: Map<string, KnownSource>, key: string, value: KnownSource): void {
  // A key listed twice would make the answer depend on table order: fail at load, caught by the tests.
  if (map.has(key)) throw new Error(`referrerDomains: ${key} is listed twice`);
  map.set(key, value);
}

for (const group of REFERRER_GROUPS) {
  const known: KnownSource = { type: group.type, source: group.source };
  for (const host of group.hosts ?? []) addOnce(suffixHosts, host, known);
  for (const host of group.exact ?? []) addOnce(exactHosts, host, known);
  for (const app of group.apps ?? []) addOnce(androidApps, app, known);
  addOnce(sourceNames, group.source, known);
}
for (const [alias, source] of Object.entries(SOURCE_ALIASES)) {
  const known = sourceNames.get(source);
  if (known === undefined) throw new Error(`referrerDomains: alias ${alias} names unknown source ${source}`);
  addOnce(sourceNames, alias, known);
}
for (const [word, type] of Object.entries(SOURCE_CATEGORY_WORDS)) {
  addOnce(sourceNames, word, { type, source: word });
}

/**
 * The known source of a referrer host (lowercase, as from `hostOf`), or null when unknown.
 * Walks the host's dot-suffixes from the most specific, so `mail.google.com` wins over `google.com`.
 */
export function classifyHost(host: string, isAndroidApp: boolean): KnownSource | null {
  return isAndroidApp ? classifyAndroidApp(host) : classifyDomain(host);
}

function classifyDomain(host: string): KnownSource | null {
  const name = canonicalCountryDomain(stripWww(host));
  const exact = exactHosts.get(name);
  if (exact !== undefined) return exact;
  let suffix = name;
  for (;;) {
    const known = suffixHosts.get(suffix);
    if (known !== undefined) return known;
    const dot = suffix.indexOf('.');
    if (dot === -1) return null;
    suffix = suffix.slice(dot + 1);
  }
}

/** Package names are reverse-DNS, so the general part is the prefix: walk `a.b.c`, `a.b`. */
function classifyAndroidApp(pkg: string): KnownSource | null {
  let prefix = pkg;
  for (;;) {
    const known = androidApps.get(prefix);
    if (known !== undefined) return known;
    const dot = prefix.lastIndexOf('.');
    if (dot === -1) return null;
    prefix = prefix.slice(0, dot);
  }
}

/**
 * `www.google.co.in` → `www.google.com`, `yandex.com.tr` → `yandex.com` for the brands with country
 * domains; other hosts unchanged. Reads the last three labels, no regex.
 */
export function canonicalCountryDomain(host: string): string {
  const lastDot = host.lastIndexOf('.');
  if (lastDot <= 0) return host;
  const secondDot = host.lastIndexOf('.', lastDot - 1);
  let brandEnd = lastDot;
  if (secondDot > 0 && host.length - lastDot === 3) {
    const second = host.slice(secondDot + 1, lastDot);
    // `co.uk`, `com.br`: the brand sits before a two-level country suffix.
    if (second === 'co' || second === 'com') brandEnd = secondDot;
  }
  const brandStart = host.lastIndexOf('.', brandEnd - 1) + 1;
  const brand = host.slice(brandStart, brandEnd);
  if (!countryBrands.has(brand)) return host;
  if (brandEnd === host.length - 4 && host.endsWith('.com')) return host;
  return `${host.slice(0, brandEnd)}.com`;
}

/**
 * A utm_source read as a known source: a name (`google`), an alias (`fb`), a channel word
 * (`newsletter`) or a host (`chatgpt.com`, `l.facebook.com`). Expects it lowercased and trimmed.
 */
export function classifySourceName(name: string): KnownSource | null {
  const known = sourceNames.get(name);
  if (known !== undefined) return known;
  if (!name.includes('.')) return null;
  const host = hostOf(name);
  return host === null ? null : classifyDomain(host);
}

export type { KnownSource, KnownSourceType };
