/** utm campaign values: normalization and what a utm_medium says about the channel. */
import type { CampaignContext } from '@headcount/schema';

/** Longer values are cut: a campaign field is a label, and a landing URL can be arbitrarily long. */
const MAX_CAMPAIGN_VALUE_LENGTH = 500;

const CAMPAIGN_FIELDS = ['source', 'medium', 'name', 'term', 'content'] as const;
export type CampaignField = (typeof CAMPAIGN_FIELDS)[number];

/** `utm_campaign` fills `name`; the others map one to one. */
export const UTM_PARAM_FIELDS: ReadonlyMap<string, CampaignField> = new Map([
  ['utm_source', 'source'],
  ['utm_medium', 'medium'],
  ['utm_campaign', 'name'],
  ['utm_term', 'term'],
  ['utm_content', 'content'],
]);

/** The trimmed, length-capped value, or null when it is not a non-empty string. */
export function cleanCampaignValue(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  return trimmed.length > MAX_CAMPAIGN_VALUE_LENGTH ? trimmed.slice(0, MAX_CAMPAIGN_VALUE_LENGTH) : trimmed;
}

/** Only the non-empty string fields, trimmed; null when none is left. */
export function normalizeCampaign(sent: CampaignContext | null | undefined): CampaignContext | null {
  if (sent === null || typeof sent !== 'object') return null;
  let campaign: CampaignContext | null = null;
  for (const field of CAMPAIGN_FIELDS) {
    const value = cleanCampaignValue(sent[field]);
    if (value === null) continue;
    campaign ??= {};
    campaign[field] = value;
  }
  return campaign;
}

/** What a utm_medium says; `null` when it says nothing we know (`qr`, `print`, `sms`...). */
export type MediumChannel = 'paid' | 'email' | 'social' | 'organic' | 'referral';

/** Keyed by the medium lowercased without `-`, `_` or spaces, so `paid-social` = `paid_social` = `paidsocial`. */
const MEDIUM_CHANNELS: ReadonlyMap<string, MediumChannel> = new Map<string, MediumChannel>([
  ['cpc', 'paid'],
  ['ppc', 'paid'],
  ['cpm', 'paid'],
  ['cpv', 'paid'],
  ['cpa', 'paid'],
  ['display', 'paid'],
  ['banner', 'paid'],
  ['retargeting', 'paid'],
  ['remarketing', 'paid'],
  // Affiliates are paid per sale: a cost-bearing channel, so paid rather than referral.
  ['affiliate', 'paid'],
  ['affiliates', 'paid'],
  ['email', 'email'],
  ['newsletter', 'email'],
  ['social', 'social'],
  ['socialnetwork', 'social'],
  ['socialmedia', 'social'],
  ['sm', 'social'],
  ['organic', 'organic'],
  ['referral', 'referral'],
]);

export function classifyMedium(medium: string | undefined): MediumChannel | null {
  if (medium === undefined) return null;
  const key = medium.toLowerCase().replace(/[\s_-]+/g, '');
  // paid, paidsearch, paidsocial, paidvideo, paidmedia...
  if (key.startsWith('paid')) return 'paid';
  return MEDIUM_CHANNELS.get(key) ?? null;
}
