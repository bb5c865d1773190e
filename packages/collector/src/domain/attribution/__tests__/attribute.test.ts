import { describe, expect, it } from 'vitest';
import type { CampaignContext, TouchType } from '@headcount/schema';
import { attribute, classifySourceName, hostOf, isInternalHost, type AttributionInput } from '../index';
import { canonicalCountryDomain } from '../classifyReferrer';
import { REFERRER_GROUPS } from '../referrerDomains';

const SHOP = ['shop.example', 'www.shop.example'];

interface Case {
  name: string;
  referrer?: string | null;
  pageUrl?: string;
  campaign?: CampaignContext;
  clickIds?: Record<string, string>;
  internalHosts?: readonly string[];
  /** [type, source, host]; host defaults to hostOf(referrer). null: not a new touch. */
  expect: [TouchType, string | null, (string | null)?] | null;
}

const LANDING = 'https://shop.example/landing';

const cases: Case[] = [
  // Search engines, country domains included.
  { name: 'google.com', referrer: 'https://www.google.com/', expect: ['search', 'google', 'www.google.com'] },
  { name: 'google India', referrer: 'https://www.google.co.in/', expect: ['search', 'google', 'www.google.co.in'] },
  { name: 'google Germany', referrer: 'https://www.google.de/search?q=headcount', expect: ['search', 'google', 'www.google.de'] },
  { name: 'google Brazil', referrer: 'https://www.google.com.br/', expect: ['search', 'google', 'www.google.com.br'] },
  { name: 'google UK apex', referrer: 'https://google.co.uk/', expect: ['search', 'google', 'google.co.uk'] },
  { name: 'google Colombia (.co)', referrer: 'https://www.google.co/', expect: ['search', 'google'] },
  { name: 'google image search', referrer: 'https://images.google.fr/', expect: ['search', 'google'] },
  { name: 'bing', referrer: 'https://www.bing.com/search?q=x', expect: ['search', 'bing'] },
  { name: 'bing China', referrer: 'https://cn.bing.com/', expect: ['search', 'bing'] },
  { name: 'duckduckgo', referrer: 'https://duckduckgo.com/', expect: ['search', 'duckduckgo'] },
  { name: 'duckduckgo html', referrer: 'https://html.duckduckgo.com/', expect: ['search', 'duckduckgo'] },
  { name: 'yahoo search', referrer: 'https://search.yahoo.com/', expect: ['search', 'yahoo'] },
  { name: 'yahoo redirect', referrer: 'https://r.search.yahoo.com/_ylt=abc/RU=https%3a%2f%2fshop.example/', expect: ['search', 'yahoo'] },
  { name: 'yahoo UK', referrer: 'https://uk.search.yahoo.com/', expect: ['search', 'yahoo'] },
  { name: 'yahoo Japan', referrer: 'https://search.yahoo.co.jp/search?p=x', expect: ['search', 'yahoo'] },
  { name: 'yandex.ru', referrer: 'https://yandex.ru/', expect: ['search', 'yandex'] },
  { name: 'yandex Turkey', referrer: 'https://yandex.com.tr/', expect: ['search', 'yandex'] },
  { name: 'baidu', referrer: 'https://www.baidu.com/link?url=abc', expect: ['search', 'baidu'] },
  { name: 'ecosia', referrer: 'https://www.ecosia.org/', expect: ['search', 'ecosia'] },
  { name: 'brave search', referrer: 'https://search.brave.com/', expect: ['search', 'brave'] },
  { name: 'startpage', referrer: 'https://www.startpage.com/', expect: ['search', 'startpage'] },
  { name: 'qwant', referrer: 'https://www.qwant.com/', expect: ['search', 'qwant'] },
  { name: 'naver', referrer: 'https://search.naver.com/search.naver?query=x', expect: ['search', 'naver'] },
  { name: 'seznam', referrer: 'https://search.seznam.cz/', expect: ['search', 'seznam'] },
  { name: 'sogou', referrer: 'https://www.sogou.com/', expect: ['search', 'sogou'] },
  { name: 'ask', referrer: 'https://www.ask.com/', expect: ['search', 'ask'] },
  { name: 'aol search', referrer: 'https://search.aol.com/', expect: ['search', 'aol'] },

  // Google hosts that are not search: the specific entry wins over google.*.
  { name: 'google docs is a referral', referrer: 'https://docs.google.com/document/d/1', expect: ['referral', 'docs.google.com'] },
  { name: 'google news', referrer: 'https://news.google.com/', expect: ['referral', 'google_news'] },
  { name: 'gmail web', referrer: 'https://mail.google.com/', expect: ['email', 'gmail'] },
  { name: 'gemini', referrer: 'https://gemini.google.com/app', expect: ['ai', 'gemini'] },

  // Social networks and their redirect hosts.
  { name: 'l.facebook.com', referrer: 'https://l.facebook.com/', expect: ['social', 'facebook', 'l.facebook.com'] },
  { name: 'lm.facebook.com', referrer: 'https://lm.facebook.com/', expect: ['social', 'facebook', 'lm.facebook.com'] },
  { name: 'm.facebook.com', referrer: 'https://m.facebook.com/', expect: ['social', 'facebook'] },
  { name: 'l.instagram.com', referrer: 'https://l.instagram.com/', expect: ['social', 'instagram', 'l.instagram.com'] },
  { name: 't.co', referrer: 'https://t.co/AbC123', expect: ['social', 'x', 't.co'] },
  { name: 'x.com', referrer: 'https://x.com/', expect: ['social', 'x'] },
  { name: 'twitter.com', referrer: 'https://twitter.com/', expect: ['social', 'x'] },
  { name: 'lnkd.in', referrer: 'https://lnkd.in/eXyZ', expect: ['social', 'linkedin', 'lnkd.in'] },
  { name: 'linkedin', referrer: 'https://www.linkedin.com/', expect: ['social', 'linkedin'] },
  { name: 'out.reddit.com', referrer: 'https://out.reddit.com/t3_abc', expect: ['social', 'reddit'] },
  { name: 'old.reddit.com', referrer: 'https://old.reddit.com/', expect: ['social', 'reddit'] },
  { name: 'youtube', referrer: 'https://www.youtube.com/', expect: ['social', 'youtube'] },
  { name: 'hacker news', referrer: 'https://news.ycombinator.com/', expect: ['social', 'hacker_news'] },
  { name: 'bluesky', referrer: 'https://bsky.app/', expect: ['social', 'bluesky'] },
  { name: 'pinterest UK', referrer: 'https://www.pinterest.co.uk/', expect: ['social', 'pinterest'] },
  { name: 'threads', referrer: 'https://www.threads.net/', expect: ['social', 'threads'] },

  // Webmail.
  { name: 'outlook.live.com', referrer: 'https://outlook.live.com/', expect: ['email', 'outlook'] },
  { name: 'outlook.office.com', referrer: 'https://outlook.office.com/', expect: ['email', 'outlook'] },
  { name: 'yahoo mail', referrer: 'https://mail.yahoo.com/', expect: ['email', 'yahoo_mail'] },
  { name: 'proton mail', referrer: 'https://mail.proton.me/', expect: ['email', 'proton_mail'] },

  // AI assistants.
  { name: 'chatgpt.com', referrer: 'https://chatgpt.com/', expect: ['ai', 'chatgpt'] },
  { name: 'chat.openai.com', referrer: 'https://chat.openai.com/', expect: ['ai', 'chatgpt'] },
  { name: 'perplexity', referrer: 'https://www.perplexity.ai/', expect: ['ai', 'perplexity'] },
  { name: 'claude', referrer: 'https://claude.ai/', expect: ['ai', 'claude'] },
  { name: 'copilot', referrer: 'https://copilot.microsoft.com/', expect: ['ai', 'copilot'] },
  { name: 'deepseek', referrer: 'https://chat.deepseek.com/', expect: ['ai', 'deepseek'] },

  // Android app referrers: the package name is the host.
  { name: 'google app', referrer: 'android-app://com.google.android.googlequicksearchbox/', expect: ['search', 'google', 'com.google.android.googlequicksearchbox'] },
  { name: 'google app with path', referrer: 'android-app://com.google.android.googlequicksearchbox/https/www.google.com', expect: ['search', 'google'] },
  { name: 'gmail app', referrer: 'android-app://com.google.android.gm/', expect: ['email', 'gmail', 'com.google.android.gm'] },
  { name: 'linkedin app', referrer: 'android-app://com.linkedin.android/', expect: ['social', 'linkedin'] },
  { name: 'slack app (capital S)', referrer: 'android-app://com.Slack', expect: ['social', 'slack', 'com.slack'] },
  { name: 'unknown app', referrer: 'android-app://org.example.reader/', expect: ['referral', 'org.example.reader'] },

  // utm only, no referrer.
  { name: 'utm email newsletter', pageUrl: `${LANDING}?utm_source=newsletter&utm_medium=email&utm_campaign=spring`, expect: ['email', 'newsletter', null] },
  { name: 'utm cpc google', pageUrl: `${LANDING}?utm_source=google&utm_medium=cpc`, expect: ['paid', 'google', null] },
  { name: 'utm_source google alone', pageUrl: `${LANDING}?utm_source=google`, expect: ['search', 'google', null] },
  { name: 'utm_source newsletter alone', pageUrl: `${LANDING}?utm_source=newsletter`, expect: ['email', 'newsletter', null] },
  { name: 'utm_source chatgpt.com (ChatGPT tags links)', pageUrl: `${LANDING}?utm_source=chatgpt.com`, expect: ['ai', 'chatgpt', null] },
  { name: 'utm paid_social Facebook', pageUrl: `${LANDING}?utm_source=Facebook&utm_medium=paid_social`, expect: ['paid', 'facebook', null] },
  { name: 'utm alias fb', pageUrl: `${LANDING}?utm_source=fb&utm_medium=paid-social`, expect: ['paid', 'facebook', null] },
  { name: 'utm social linkedin', pageUrl: `${LANDING}?utm_source=linkedin&utm_medium=social`, expect: ['social', 'linkedin', null] },
  { name: 'utm unknown source', pageUrl: `${LANDING}?utm_source=Partner_Site`, expect: ['referral', 'partner_site', null] },
  { name: 'utm affiliate is paid', pageUrl: `${LANDING}?utm_source=awin&utm_medium=affiliate`, expect: ['paid', 'awin', null] },
  { name: 'utm display is paid', pageUrl: `${LANDING}?utm_source=criteo&utm_medium=display`, expect: ['paid', 'criteo', null] },
  { name: 'utm organic facebook is social', pageUrl: `${LANDING}?utm_source=facebook&utm_medium=organic`, expect: ['social', 'facebook', null] },
  { name: 'utm organic bing is search', pageUrl: `${LANDING}?utm_source=bing&utm_medium=organic`, expect: ['search', 'bing', null] },
  { name: 'utm medium e-mail without source', pageUrl: `${LANDING}?utm_medium=e-mail`, expect: ['email', null, null] },
  { name: 'utm in a hash-router URL', pageUrl: 'https://shop.example/#/p?utm_source=newsletter&utm_medium=email', expect: ['email', 'newsletter', null] },
  { name: 'context campaign', campaign: { source: ' Newsletter ', medium: 'Email' }, expect: ['email', 'newsletter', null] },
  { name: 'context campaign wins over the URL', campaign: { source: 'partner', medium: 'referral' }, pageUrl: `${LANDING}?utm_source=google&utm_medium=cpc`, expect: ['referral', 'partner', null] },
  { name: 'utm email with a webmail referrer', referrer: 'https://mail.google.com/', pageUrl: `${LANDING}?utm_medium=email`, expect: ['email', 'gmail'] },
  { name: 'utm cpc without source, from bing', referrer: 'https://www.bing.com/', pageUrl: `${LANDING}?utm_medium=cpc`, expect: ['paid', 'bing'] },

  // Click ids.
  { name: 'gclid only', pageUrl: `${LANDING}?gclid=Cj0KCQ`, expect: ['paid', 'google', null] },
  { name: 'gbraid only', pageUrl: `${LANDING}?gbraid=0AAAA`, expect: ['paid', 'google', null] },
  { name: 'wbraid only', pageUrl: `${LANDING}?wbraid=CkwK`, expect: ['paid', 'google', null] },
  { name: 'dclid (display)', pageUrl: `${LANDING}?dclid=CJ7x`, expect: ['paid', 'google', null] },
  { name: 'msclkid only', pageUrl: `${LANDING}?msclkid=8f3a`, expect: ['paid', 'microsoft', null] },
  { name: 'li_fat_id only', pageUrl: `${LANDING}?li_fat_id=abc-123`, expect: ['paid', 'linkedin', null] },
  { name: 'ttclid only', pageUrl: `${LANDING}?ttclid=E.C.P`, expect: ['paid', 'tiktok', null] },
  { name: 'twclid only', pageUrl: `${LANDING}?twclid=2-abc`, expect: ['paid', 'x', null] },
  { name: 'click id from context, uppercase key', clickIds: { GCLID: 'abc' }, expect: ['paid', 'google', null] },
  { name: 'gclid from a google referrer', referrer: 'https://www.google.com/', pageUrl: `${LANDING}?gclid=x`, expect: ['paid', 'google', 'www.google.com'] },
  { name: 'gclid beats utm email', pageUrl: `${LANDING}?utm_source=newsletter&utm_medium=email&gclid=x`, expect: ['paid', 'google', null] },
  { name: 'fbclid organic from l.facebook.com', referrer: 'https://l.facebook.com/', pageUrl: `${LANDING}?fbclid=IwAR`, expect: ['social', 'facebook', 'l.facebook.com'] },
  { name: 'fbclid alone', pageUrl: `${LANDING}?fbclid=IwAR`, expect: ['social', 'facebook', null] },
  { name: 'fbclid from instagram', referrer: 'https://l.instagram.com/', pageUrl: `${LANDING}?fbclid=IwAR`, expect: ['social', 'instagram'] },
  { name: 'fbclid with utm_medium=paid', pageUrl: `${LANDING}?fbclid=IwAR&utm_medium=paid`, expect: ['paid', 'facebook', null] },
  { name: 'fbclid with cpc from instagram source', pageUrl: `${LANDING}?fbclid=IwAR&utm_source=instagram&utm_medium=cpc`, expect: ['paid', 'facebook', null] },
  { name: 'fbclid with utm_medium=email', pageUrl: `${LANDING}?fbclid=IwAR&utm_source=weekly&utm_medium=email`, expect: ['email', 'weekly', null] },

  // Internal navigation.
  { name: 'same host', referrer: 'https://shop.example/cart', expect: null },
  { name: 'www of an apex internal host', referrer: 'https://www.shop.example/', internalHosts: ['shop.example'], expect: null },
  { name: 'apex of a www internal host', referrer: 'https://shop.example/', internalHosts: ['www.shop.example'], expect: null },
  { name: 'subdomain of an internal host', referrer: 'https://blog.shop.example/post', expect: null },
  { name: 'internal with port and uppercase', referrer: 'HTTPS://Shop.Example:8443/x', expect: null },
  { name: 'internal referrer with a utm campaign is a new touch', referrer: 'https://shop.example/', pageUrl: `${LANDING}?utm_source=newsletter&utm_medium=email`, expect: ['email', 'newsletter', 'shop.example'] },
  { name: 'internal referrer with a gclid is a new touch', referrer: 'https://shop.example/', pageUrl: `${LANDING}?gclid=x`, expect: ['paid', 'google', 'shop.example'] },
  { name: 'internal referrer with only utm_campaign', referrer: 'https://shop.example/', pageUrl: `${LANDING}?utm_campaign=summer`, expect: ['direct', null, 'shop.example'] },
  { name: 'lookalike host is external', referrer: 'https://notshop.example/', expect: ['referral', 'notshop.example'] },

  // Referrals, direct, garbage, case and ports.
  { name: 'unknown referral host', referrer: 'https://www.example-blog.com/post/1', expect: ['referral', 'example-blog.com', 'www.example-blog.com'] },
  { name: 'empty referrer', referrer: '', expect: ['direct', null, null] },
  { name: 'null referrer', referrer: null, expect: ['direct', null, null] },
  { name: 'absent referrer', expect: ['direct', null, null] },
  { name: 'garbage words', referrer: 'not a url', expect: ['direct', null, null] },
  { name: '(not set)', referrer: '(not set)', expect: ['direct', null, null] },
  { name: 'about:blank', referrer: 'about:blank', expect: ['direct', null, null] },
  { name: 'scheme only', referrer: 'https://', expect: ['direct', null, null] },
  { name: 'javascript url', referrer: 'javascript:alert(1)', expect: ['direct', null, null] },
  { name: 'browser extension', referrer: 'chrome-extension://abcdefgh/page.html', expect: ['direct', null, null] },
  { name: 'uppercase host', referrer: 'HTTPS://WWW.GOOGLE.COM/', expect: ['search', 'google', 'www.google.com'] },
  { name: 'host with port', referrer: 'https://www.bing.com:443/search', expect: ['search', 'bing', 'www.bing.com'] },
  { name: 'trailing dot', referrer: 'https://www.google.com./', expect: ['search', 'google', 'www.google.com'] },
];

describe('attribute', () => {
  it('has at least 50 real-world cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('$name', (c) => {
    const input: AttributionInput = { internalHosts: c.internalHosts ?? SHOP };
    if (c.referrer !== undefined) input.referrer = c.referrer;
    if (c.pageUrl !== undefined) input.pageUrl = c.pageUrl;
    if (c.campaign !== undefined) input.campaign = c.campaign;
    if (c.clickIds !== undefined) input.clickIds = c.clickIds;
    const { touch } = attribute(input);
    if (c.expect === null) {
      expect(touch).toBeNull();
      return;
    }
    const [type, source, host] = c.expect;
    const expectedHost = host === undefined ? hostOf(c.referrer) : host;
    expect(touch).toEqual({ type, source, host: expectedHost, url: expectedHost === null ? null : c.referrer });
  });

  it('normalizes the campaign and keeps only known click ids', () => {
    const result = attribute({
      pageUrl: `${LANDING}?UTM_SOURCE=Spring+Sale&utm_medium=%20email%20&utm_term=&utm_content=bad%E0%A4%A&gclid=%20abc%20&foo=1&ref=x`,
      clickIds: { MSCLKID: ' m1 ', unknown_id: 'x', ttclid: '' },
      internalHosts: SHOP,
    });
    expect(result.campaign).toEqual({ source: 'Spring Sale', medium: 'email', content: 'bad%E0%A4%A' });
    expect(result.clickIds).toEqual({ msclkid: 'm1', gclid: 'abc' });
  });

  it('lets the context click id win over the URL one, and the first URL occurrence win', () => {
    const result = attribute({
      pageUrl: `${LANDING}?gclid=fromUrl&utm_source=first&utm_source=second`,
      clickIds: { gclid: 'fromContext' },
      internalHosts: SHOP,
    });
    expect(result.clickIds).toEqual({ gclid: 'fromContext' });
    expect(result.campaign).toEqual({ source: 'first' });
  });

  it('uses the context campaign as a whole and drops empty or non-string fields', () => {
    const result = attribute({
      campaign: { source: 'x', medium: '  ', name: 42 as unknown as string },
      pageUrl: `${LANDING}?utm_medium=cpc&utm_campaign=summer`,
      internalHosts: SHOP,
    });
    expect(result.campaign).toEqual({ source: 'x' });
  });

  it('returns fresh empty objects when there is nothing', () => {
    const a = attribute({ internalHosts: [] });
    const b = attribute({ internalHosts: [] });
    expect(a).toEqual({ touch: { type: 'direct', source: null, host: null, url: null }, campaign: {}, clickIds: {} });
    expect(a.campaign).not.toBe(b.campaign);
  });
});

describe('hostOf', () => {
  it.each([
    ['https://www.google.co.in/search?q=x', 'www.google.co.in'],
    ['HTTP://WWW.Example.COM:8080/path', 'www.example.com'],
    ['https://user:pass@example.com/', 'example.com'],
    ['https://example.com?x=1', 'example.com'],
    ['https://example.com#top', 'example.com'],
    ['https://example.com.', 'example.com'],
    ['  https://example.com/  ', 'example.com'],
    ['//cdn.example.com/x', 'cdn.example.com'],
    ['example.com/path', 'example.com'],
    ['http://localhost:3000/', 'localhost'],
    ['http://127.0.0.1:8080/', '127.0.0.1'],
    ['http://[::1]:8080/', '[::1]'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm'],
    ['android-app://com.Slack', 'com.slack'],
    ['https://bücher.example/', 'bücher.example'],
  ])('%s → %s', (url, host) => {
    expect(hostOf(url)).toBe(host);
  });

  it.each([
    [null], [undefined], [''], ['   '], ['null'], ['undefined'], ['(not set)'], ['not a url'], ['about:blank'],
    ['javascript:alert(1)'], ['https://'], ['android-app://'], ['https://exa mple.com/'], ['https://a..b/'],
    ['https://example.com:abc/'], ['file:///etc/passwd'], ['chrome-extension://abc/'], ['ftp://example.com/'],
    ['https://%65xample.com/'], ['http://[zz]/'],
  ])('%s → null', (url) => {
    expect(hostOf(url)).toBeNull();
  });
});

describe('isInternalHost', () => {
  it.each([
    ['shop.example', ['shop.example'], true],
    ['www.shop.example', ['shop.example'], true],
    ['shop.example', ['www.shop.example'], true],
    ['blog.shop.example', ['shop.example'], true],
    ['a.b.shop.example', ['www.shop.example'], true],
    ['SHOP.EXAMPLE', ['shop.example'], true],
    ['shop.example', ['https://Shop.Example:8443'], true],
    ['shop.example', ['shop.example:3000'], true],
    ['localhost', ['localhost'], true],
    ['notshop.example', ['shop.example'], false],
    ['shop.example.evil.com', ['shop.example'], false],
    ['example', ['shop.example'], false],
    ['app.shop.example', ['admin.shop.example'], false],
    ['shop.example', [], false],
    ['shop.example', [''], false],
  ] as const)('%s in %j → %s', (host, internal, expected) => {
    expect(isInternalHost(host, internal)).toBe(expected);
  });
});

describe('the referrer table', () => {
  it('names every source in lowercase without spaces', () => {
    for (const group of REFERRER_GROUPS) expect(group.source).toMatch(/^[a-z0-9_.]+$/);
  });

  it('writes hosts lowercase and country-brand hosts as <brand>.com', () => {
    for (const group of REFERRER_GROUPS) {
      for (const host of [...(group.hosts ?? []), ...(group.exact ?? [])]) {
        expect(hostOf(`https://${host}/`)).toBe(host);
        expect(canonicalCountryDomain(host)).toBe(host);
      }
    }
  });

  it('reads utm_source names, aliases, channel words and hosts', () => {
    expect(classifySourceName('google')).toEqual({ type: 'search', source: 'google' });
    expect(classifySourceName('ig')).toEqual({ type: 'social', source: 'instagram' });
    expect(classifySourceName('newsletter')).toEqual({ type: 'email', source: 'newsletter' });
    expect(classifySourceName('perplexity.ai')).toEqual({ type: 'ai', source: 'perplexity' });
    expect(classifySourceName('partner')).toBeNull();
  });
});
