/**
 * Where a session came from, decided once when the session starts. Precedence, first match wins:
 * paid click id (unless another network's referrer carried it) → utm_medium → fbclid (organic Facebook) → utm_source → referrer host → direct.
 */
import type { CampaignContext, Touch, TouchType } from '@headcount/schema';
import { classifyMedium, normalizeCampaign } from './campaign';
import { classifyHost, classifySourceName, type KnownSource } from './classifyReferrer';
import { ORGANIC_CLICK_ID, clickIdStaysPaid, mergeClickIds, paidClickNetwork } from './clickIds';
import { hostOf, isAndroidAppUrl } from './hostOf';
import { isInternalHost, stripWww } from './isInternalHost';
import { readLandingParams } from './landingParams';

export interface AttributionInput {
  /** document.referrer as sent in context.page.referrer (may be '', null, 'android-app://com.google.android.gm/', garbage) */
  referrer?: string | null;
  /** landing page URL (context.page.url), used to read utm_* and click ids when the context lacks them */
  pageUrl?: string | null;
  /** context.campaign as sent (wins over the URL's utm params) */
  campaign?: CampaignContext | null;
  /** context.clickIds as sent (merged with click ids found in pageUrl) */
  clickIds?: Record<string, string> | null;
  /** the app's own hosts (from its allowed origins and the hosts its events come from), e.g. ['shop.example', 'www.shop.example'] */
  internalHosts: readonly string[];
}

export type SessionTouch = Omit<Touch, 'timestamp'>;

export interface Attribution {
  /** the session's touch without its timestamp; `null` when this is internal navigation (referrer is one of the app's own hosts and there is no campaign or click id), i.e. not a new touch */
  touch: SessionTouch | null;
  /** normalized: only non-empty string fields, trimmed */
  campaign: CampaignContext;
  /** only known click ids, lowercase keys */
  clickIds: Record<string, string>;
}

export function attribute(input: AttributionInput): Attribution {
  const landing = readLandingParams(input.pageUrl);
  // The context's campaign wins as a whole: mixing fields of two campaigns would invent a third.
  const campaign = normalizeCampaign(input.campaign) ?? landing.campaign ?? {};
  const clickIds = mergeClickIds(input.clickIds, landing.clickIds);
  return { touch: decideTouch(input, campaign, clickIds), campaign, clickIds };
}

function decideTouch(
  input: AttributionInput,
  campaign: CampaignContext,
  clickIds: Record<string, string>,
): SessionTouch | null {
  const referrer = typeof input.referrer === 'string' ? input.referrer : null;
  const host = hostOf(referrer);
  const url = host === null ? null : referrer;
  const isApp = url !== null && isAndroidAppUrl(url);
  const internal = host !== null && !isApp && isInternalHost(host, input.internalHosts);
  const known = host === null || internal ? null : classifyHost(host, isApp);
  // What the referrer alone names: a known network, else the external host without www.
  const referrerSource = known?.source ?? (host === null || internal ? null : stripWww(host));
  const touch = (type: TouchType, source: string | null): SessionTouch => ({ type, source, host, url });

  const paidNetwork = paidClickNetwork(clickIds);
  if (paidNetwork !== null && clickIdStaysPaid(paidNetwork, known?.source ?? null)) return touch('paid', paidNetwork);
  const fbclid = ORGANIC_CLICK_ID in clickIds;

  const utmSource = campaign.source?.toLowerCase();
  const named = utmSource === undefined ? null : classifySourceName(utmSource);
  // A known utm_source gets its canonical name (`fb` → facebook, `chatgpt.com` → chatgpt).
  const sourceName = named?.source ?? utmSource ?? null;
  const fallbackSource = sourceName ?? referrerSource ?? (fbclid ? 'facebook' : null);

  switch (classifyMedium(campaign.medium)) {
    case 'paid':
      // A paid touch backed by a click id is named by the click id's network.
      return touch('paid', fbclid ? 'facebook' : sourceName ?? referrerSource);
    case 'email':
      return touch('email', fallbackSource);
    case 'social':
      return touch('social', fallbackSource);
    case 'referral':
      return touch('referral', fallbackSource);
    case 'organic':
      return touch(organicType(utmSource === undefined ? known : named), fallbackSource);
    case null:
      break;
  }

  if (fbclid) return touch('social', socialSource(named) ?? socialSource(known) ?? 'facebook');
  if (named !== null) return touch(named.type, named.source);
  if (utmSource !== undefined) return touch('referral', utmSource);

  if (host === null) return touch('direct', null);
  // An internal referrer is navigation within the site, unless a campaign marks the link.
  if (internal) return Object.keys(campaign).length > 0 ? touch('direct', null) : null;
  if (known !== null) return touch(known.type, known.source);
  return touch('referral', referrerSource);
}

/** `utm_medium=organic` is organic search unless the source is a known social network, webmail or AI. */
function organicType(hint: KnownSource | null): TouchType {
  return hint === null || hint.type === 'referral' ? 'search' : hint.type;
}

/** fbclid is appended by Instagram and Messenger too: keep their name when the source says so. */
function socialSource(known: KnownSource | null): string | null {
  return known !== null && known.type === 'social' ? known.source : null;
}
