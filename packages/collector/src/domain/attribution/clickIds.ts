/** Ad click ids: which network appended each one to the landing URL. */

/**
 * Known click ids and their network, in the order that decides a touch when a URL carries several.
 * `fbclid` is last: Facebook appends it to every outbound link, organic ones too.
 */
export const CLICK_ID_NETWORKS: ReadonlyMap<string, string> = new Map([
  ['gclid', 'google'],
  ['gbraid', 'google'],
  ['wbraid', 'google'],
  ['dclid', 'google'],
  ['msclkid', 'microsoft'],
  ['li_fat_id', 'linkedin'],
  ['ttclid', 'tiktok'],
  ['twclid', 'x'],
  ['rdt_cid', 'reddit'],
  ['epik', 'pinterest'],
  ['sccid', 'snapchat'],
  ['yclid', 'yandex'],
  ['fbclid', 'facebook'],
]);

/** The click id that, alone, does not prove a paid click. */
export const ORGANIC_CLICK_ID = 'fbclid';

/** Click ids are opaque tokens of about 100 characters; anything far longer is not one. */
const MAX_CLICK_ID_LENGTH = 1020;

export function isKnownClickId(key: string): boolean {
  return CLICK_ID_NETWORKS.has(key);
}

/** The trimmed value when it can be a click id, else null. */
export function cleanClickIdValue(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.length > MAX_CLICK_ID_LENGTH ? null : trimmed;
}

/**
 * Known click ids from the context (keys lowercased), completed by those read from the landing URL.
 * The context wins on a conflict: the SDK read the same URL, and a server-side sender may know better.
 */
export function mergeClickIds(
  sent: Record<string, string> | null | undefined,
  fromUrl: Record<string, string> | null,
): Record<string, string> {
  const merged: Record<string, string> = {};
  if (sent !== null && typeof sent === 'object') {
    for (const key of Object.keys(sent)) {
      const name = key.toLowerCase();
      if (!isKnownClickId(name) || name in merged) continue;
      const value = cleanClickIdValue(sent[key]);
      if (value !== null) merged[name] = value;
    }
  }
  if (fromUrl !== null) {
    for (const name of Object.keys(fromUrl)) if (!(name in merged)) merged[name] = fromUrl[name] as string;
  }
  return merged;
}

/**
 * The referrer sources where each network's click ids are genuinely appended: its own properties and the
 * partners it syndicates ads to (Microsoft Advertising serves DuckDuckGo, Yahoo, Ecosia...).
 */
const NETWORK_REFERRER_SOURCES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    google: ['google', 'youtube', 'gmail', 'google_news', 'startpage', 'ask'],
    microsoft: ['bing', 'duckduckgo', 'yahoo', 'ecosia', 'aol', 'qwant', 'outlook', 'copilot', 'teams'],
    linkedin: ['linkedin'],
    tiktok: ['tiktok'],
    x: ['x'],
    reddit: ['reddit'],
    pinterest: ['pinterest'],
    snapchat: ['snapchat'],
    yandex: ['yandex', 'yandex_mail'],
    facebook: ['facebook', 'instagram', 'threads', 'whatsapp', 'meta_ai'],
  }).map(([network, sources]) => [network, new Set(sources)]),
);

/**
 * Whether a click id of `network` proves a paid click given the referrer's known source: yes without a known
 * referrer (none, internal, a publisher of a display network) or from the network itself; no under another
 * known source (an old ad link shared on LinkedIn, pasted into a Google search), which then decides the touch.
 */
export function clickIdStaysPaid(network: string, referrerSource: string | null): boolean {
  return referrerSource === null || (NETWORK_REFERRER_SOURCES.get(network)?.has(referrerSource) ?? false);
}

/** The network of the first click id that proves a paid click (every known id but fbclid), or null. */
export function paidClickNetwork(clickIds: Record<string, string>): string | null {
  for (const [name, network] of CLICK_ID_NETWORKS) {
    if (name !== ORGANIC_CLICK_ID && name in clickIds) return network;
  }
  return null;
}
