/**
 * Headcount's own list of well-known referrers: search engines, social networks,
 * webmail, AI assistants and their Android apps. Written for Headcount and
 * licensed with it under MIT; it is not derived from any other referrer database.
 *
 * To add a source, add a group (or a host to a group); `classifyReferrer.ts` builds
 * the lookup maps at load time and refuses a host listed twice.
 */
import type { TouchType } from '@headcount/schema';

/** The channels a referrer can be recognised as; `paid` and `direct` never come from a host. */
export type KnownSourceType = Exclude<TouchType, 'direct' | 'paid'>;

export interface KnownSource {
  readonly type: KnownSourceType;
  /** Stable lowercase name, e.g. `google`, `yahoo_mail`, `chatgpt`. */
  readonly source: string;
}

export interface ReferrerGroup extends KnownSource {
  /** Hosts that match themselves and all their subdomains, e.g. `facebook.com` covers `l.facebook.com`. */
  readonly hosts?: readonly string[];
  /** Hosts that match only themselves (with or without `www.`), because their subdomains are other products. */
  readonly exact?: readonly string[];
  /** Android package names sent as `android-app://<package>/`; a package also covers `<package>.*`. */
  readonly apps?: readonly string[];
}

/**
 * Brands with country domains: a host written here as `<brand>.com` also matches
 * `<brand>.<tld>`, `<brand>.co.<cc>` and `<brand>.com.<cc>` (google.de, google.co.in, google.com.br).
 */
export const COUNTRY_DOMAIN_BRANDS: readonly string[] = ['google', 'yandex', 'yahoo', 'pinterest'];

export const REFERRER_GROUPS: readonly ReferrerGroup[] = [
  // Search engines. Only Google's search hosts: docs.google.com and friends are ordinary referrals.
  {
    type: 'search', source: 'google',
    exact: ['google.com', 'images.google.com', 'encrypted.google.com', 'scholar.google.com', 'ipv4.google.com', 'ipv6.google.com'],
    apps: ['com.google.android.googlequicksearchbox', 'com.google.android.apps.searchlite'],
  },
  { type: 'search', source: 'bing', hosts: ['bing.com'], apps: ['com.microsoft.bing'] },
  { type: 'search', source: 'duckduckgo', hosts: ['duckduckgo.com'] },
  { type: 'search', source: 'yahoo', hosts: ['search.yahoo.com'] },
  { type: 'search', source: 'yandex', hosts: ['yandex.com', 'ya.ru'], apps: ['ru.yandex.searchplugin'] },
  { type: 'search', source: 'baidu', hosts: ['baidu.com'], apps: ['com.baidu.searchbox'] },
  { type: 'search', source: 'ecosia', hosts: ['ecosia.org'] },
  { type: 'search', source: 'brave', hosts: ['search.brave.com'] },
  { type: 'search', source: 'startpage', hosts: ['startpage.com'] },
  { type: 'search', source: 'qwant', hosts: ['qwant.com'] },
  { type: 'search', source: 'naver', hosts: ['search.naver.com'], exact: ['naver.com', 'm.naver.com'] },
  { type: 'search', source: 'seznam', hosts: ['search.seznam.cz'], exact: ['seznam.cz'] },
  { type: 'search', source: 'sogou', hosts: ['sogou.com'] },
  { type: 'search', source: 'ask', hosts: ['ask.com'] },
  { type: 'search', source: 'aol', hosts: ['search.aol.com'] },
  { type: 'search', source: 'kagi', hosts: ['kagi.com'] },
  { type: 'search', source: 'daum', hosts: ['search.daum.net'] },

  // Social networks and messengers (a shared link is social word of mouth).
  {
    type: 'social', source: 'facebook', hosts: ['facebook.com', 'fb.me', 'fb.com', 'messenger.com'],
    apps: ['com.facebook.katana', 'com.facebook.lite', 'com.facebook.orca'],
  },
  { type: 'social', source: 'instagram', hosts: ['instagram.com'], apps: ['com.instagram.android'] },
  { type: 'social', source: 'threads', hosts: ['threads.net', 'threads.com'], apps: ['com.instagram.barcelona'] },
  { type: 'social', source: 'linkedin', hosts: ['linkedin.com', 'lnkd.in'], apps: ['com.linkedin.android'] },
  { type: 'social', source: 'x', hosts: ['x.com', 'twitter.com', 't.co'], apps: ['com.twitter.android'] },
  { type: 'social', source: 'reddit', hosts: ['reddit.com', 'redd.it'], apps: ['com.reddit.frontpage'] },
  { type: 'social', source: 'youtube', hosts: ['youtube.com', 'youtu.be'], apps: ['com.google.android.youtube'] },
  { type: 'social', source: 'tiktok', hosts: ['tiktok.com'], apps: ['com.zhiliaoapp.musically', 'com.ss.android.ugc.trill'] },
  { type: 'social', source: 'pinterest', hosts: ['pinterest.com', 'pin.it'], apps: ['com.pinterest'] },
  { type: 'social', source: 'quora', hosts: ['quora.com'], apps: ['com.quora.android'] },
  { type: 'social', source: 'bluesky', hosts: ['bsky.app'], apps: ['xyz.blueskyweb.app'] },
  { type: 'social', source: 'discord', hosts: ['discord.com', 'discordapp.com', 'discord.gg'], apps: ['com.discord'] },
  { type: 'social', source: 'telegram', hosts: ['t.me', 'telegram.org', 'telegram.me'], apps: ['org.telegram.messenger'] },
  { type: 'social', source: 'whatsapp', hosts: ['whatsapp.com', 'wa.me'], apps: ['com.whatsapp'] },
  { type: 'social', source: 'slack', hosts: ['slack.com'], apps: ['com.slack'] },
  { type: 'social', source: 'teams', hosts: ['teams.microsoft.com', 'teams.live.com'], apps: ['com.microsoft.teams'] },
  { type: 'social', source: 'vk', hosts: ['vk.com', 'vk.ru'], apps: ['com.vkontakte.android'] },
  { type: 'social', source: 'weibo', hosts: ['weibo.com', 'weibo.cn', 't.cn'], apps: ['com.sina.weibo'] },
  { type: 'social', source: 'snapchat', hosts: ['snapchat.com'], apps: ['com.snapchat.android'] },
  { type: 'social', source: 'tumblr', hosts: ['tumblr.com'], apps: ['com.tumblr'] },
  // Hacker News is a link-sharing community, like Reddit.
  { type: 'social', source: 'hacker_news', hosts: ['news.ycombinator.com'] },

  // Webmail: the visitor clicked a link in an email.
  { type: 'email', source: 'gmail', hosts: ['mail.google.com'], apps: ['com.google.android.gm'] },
  {
    type: 'email', source: 'outlook',
    hosts: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com', 'outlook.cloud.microsoft'],
    apps: ['com.microsoft.office.outlook'],
  },
  { type: 'email', source: 'yahoo_mail', hosts: ['mail.yahoo.com'], apps: ['com.yahoo.mobile.client.android.mail'] },
  { type: 'email', source: 'proton_mail', hosts: ['mail.proton.me', 'mail.protonmail.com'], apps: ['ch.protonmail.android'] },
  { type: 'email', source: 'aol_mail', hosts: ['mail.aol.com'] },
  { type: 'email', source: 'yandex_mail', hosts: ['mail.yandex.com'], apps: ['ru.yandex.mail'] },
  { type: 'email', source: 'zoho_mail', hosts: ['mail.zoho.com'] },
  { type: 'email', source: 'samsung_email', apps: ['com.samsung.android.email.provider'] },

  // AI assistants: a link cited in an answer.
  { type: 'ai', source: 'chatgpt', hosts: ['chatgpt.com', 'chat.openai.com'], apps: ['com.openai.chatgpt'] },
  { type: 'ai', source: 'perplexity', hosts: ['perplexity.ai'], apps: ['ai.perplexity.app.android'] },
  { type: 'ai', source: 'claude', hosts: ['claude.ai'], apps: ['com.anthropic.claude'] },
  { type: 'ai', source: 'gemini', hosts: ['gemini.google.com', 'bard.google.com'], apps: ['com.google.android.apps.bard'] },
  { type: 'ai', source: 'copilot', hosts: ['copilot.microsoft.com', 'copilot.cloud.microsoft'], apps: ['com.microsoft.copilot'] },
  { type: 'ai', source: 'deepseek', hosts: ['deepseek.com'], apps: ['com.deepseek.chat'] },
  { type: 'ai', source: 'meta_ai', hosts: ['meta.ai'] },
  { type: 'ai', source: 'grok', hosts: ['grok.com', 'grok.x.ai'] },
  { type: 'ai', source: 'mistral', hosts: ['chat.mistral.ai'] },
  { type: 'ai', source: 'you.com', hosts: ['you.com'] },
  { type: 'ai', source: 'phind', hosts: ['phind.com'] },
  { type: 'ai', source: 'poe', hosts: ['poe.com'] },

  // Google News is editorial curation, not a search result page.
  { type: 'referral', source: 'google_news', hosts: ['news.google.com'], apps: ['com.google.android.apps.magazines'] },
];

/** utm_source spellings that name a known source differently, e.g. `utm_source=fb`. */
export const SOURCE_ALIASES: Readonly<Record<string, string>> = {
  fb: 'facebook',
  ig: 'instagram',
  twitter: 'x',
  tw: 'x',
  yt: 'youtube',
  li: 'linkedin',
  hn: 'hacker_news',
  hackernews: 'hacker_news',
  openai: 'chatgpt',
  bard: 'gemini',
  duckduckgo_com: 'duckduckgo',
  ddg: 'duckduckgo',
};

/** utm_source words that say the channel but not a network; the word itself stays the source. */
export const SOURCE_CATEGORY_WORDS: Readonly<Record<string, KnownSourceType>> = {
  newsletter: 'email',
  email: 'email',
  'e-mail': 'email',
  mailchimp: 'email',
  klaviyo: 'email',
  sendgrid: 'email',
  brevo: 'email',
  convertkit: 'email',
  substack: 'email',
};
