import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const SITE = 'https://shop.example';
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

/** A page view as analytics.js sends it (no session id): `search` carries utm/click ids, '' referrer is direct. */
const pageAt = (anonymousId: string, timestamp: string, path: string, referrer: string, search = '') => ({
  type: 'page',
  messageId: `${anonymousId}-${timestamp}`,
  anonymousId,
  timestamp,
  context: { userAgent: UA, page: { path, url: `${SITE}${path}${search}`, referrer, search } },
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe.each(backends())('visits that marketers count on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend, { app: { origins: [SITE] } });
  });
  afterAll(() => c.close());

  const send = async (batch: unknown[]) => {
    const res = await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    expect(res.body).toMatchObject({ ok: true, rejected: [] });
    return res.body;
  };
  const read = async (path: string) => (await get(`${c.url}${path}`, bearer(c.secretKey))).body;
  const visitsOf = async (anonymousId: string) =>
    (await read(`/v1/anonymous/${anonymousId}`)).sessions.map((s: any) => [s.startedAt, s.lastSeenAt, s.eventCount, s.referrer.type, s.referrer.source]);

  /** Sends the visitor's events one request each in every order (a visitor per order) and expects the same visits. */
  async function inEveryOrder(name: string, build: (anonymousId: string) => unknown[], expected: unknown[][]) {
    for (const [k, order] of permutations(build('x').map((_, i) => i)).entries()) {
      const anonymousId = `${name}-${k}`;
      const events = build(anonymousId);
      for (const i of order) await send([events[i]]);
      expect([order, await visitsOf(anonymousId)]).toEqual([order, expected]);
      // Every stored event sits in one of the visits.
      const sessions = (await read(`/v1/anonymous/${anonymousId}`)).sessions;
      const stored = await Promise.all(sessions.map(async (s: any) => (await read(`/v1/events?sessionId=${s.id}`)).events.length));
      expect(stored).toEqual(sessions.map((s: any) => s.eventCount));
    }
  }

  it('starts a new visit at a new external touch within 30 minutes, whatever the arrival order (LinkedIn, then Google)', async () => {
    await inEveryOrder('split', (a) => [
      pageAt(a, '2026-04-01T08:27:00.000Z', '/', 'https://www.linkedin.com/', '?li_fat_id=li-1'),
      pageAt(a, '2026-04-01T08:30:00.000Z', '/pricing', `${SITE}/`),
      pageAt(a, '2026-04-01T08:45:00.000Z', '/', 'https://www.google.com/'),
      pageAt(a, '2026-04-01T08:50:00.000Z', '/docs', `${SITE}/`),
    ], [
      ['2026-04-01T08:27:00.000Z', '2026-04-01T08:30:00.000Z', 2, 'paid', 'linkedin'],
      ['2026-04-01T08:45:00.000Z', '2026-04-01T08:50:00.000Z', 2, 'search', 'google'],
    ]);
  });

  it('never lets a late event bridge a visit into the next one that began with a new touch', async () => {
    await inEveryOrder('bridge', (a) => [
      pageAt(a, '2026-04-02T08:00:00.000Z', '/', ''),
      // 25 minutes after the first visit and before the next: it would join both by inactivity alone.
      pageAt(a, '2026-04-02T08:25:00.000Z', '/pricing', `${SITE}/`),
      pageAt(a, '2026-04-02T08:50:00.000Z', '/', 'https://news.ycombinator.com/'),
    ], [
      ['2026-04-02T08:00:00.000Z', '2026-04-02T08:25:00.000Z', 2, 'direct', null],
      ['2026-04-02T08:50:00.000Z', '2026-04-02T08:50:00.000Z', 1, 'social', 'hacker_news'],
    ]);
  });

  it('folds a later visit into an earlier landing of the same touch that arrives late', async () => {
    await inEveryOrder('refold', (a) => [
      pageAt(a, '2026-04-03T08:00:00.000Z', '/', 'https://www.linkedin.com/'),
      pageAt(a, '2026-04-03T08:10:00.000Z', '/', '', '?utm_source=newsletter&utm_medium=email&utm_campaign=april'),
      pageAt(a, '2026-04-03T08:20:00.000Z', '/sale', '', '?utm_source=newsletter&utm_medium=email&utm_campaign=april'),
      pageAt(a, '2026-04-03T08:25:00.000Z', '/sale/boots', `${SITE}/sale`),
    ], [
      ['2026-04-03T08:00:00.000Z', '2026-04-03T08:00:00.000Z', 1, 'social', 'linkedin'],
      ['2026-04-03T08:10:00.000Z', '2026-04-03T08:25:00.000Z', 3, 'email', 'newsletter'],
    ]);
  });

  it('keeps one visit through internal and direct navigation and analytics.js repeating the landing referrer', async () => {
    const a = 'one-visit';
    await send([
      pageAt(a, '2026-04-04T10:00:00.000Z', '/boots', 'https://www.google.com/', '?utm_source=google&utm_medium=cpc&utm_campaign=boots&gclid=g-1'),
      pageAt(a, '2026-04-04T10:05:00.000Z', '/boots/red', `${SITE}/boots`),
      // An SPA route change: analytics.js still sends document.referrer, without the landing's query.
      pageAt(a, '2026-04-04T10:10:00.000Z', '/cart', 'https://www.google.com/'),
      // The landing reloaded: the same campaign and click id.
      pageAt(a, '2026-04-04T10:12:00.000Z', '/boots', 'https://www.google.com/', '?utm_source=google&utm_medium=cpc&utm_campaign=boots&gclid=g-1'),
      pageAt(a, '2026-04-04T10:20:00.000Z', '/checkout', ''),
    ]);
    expect(await visitsOf(a)).toEqual([['2026-04-04T10:00:00.000Z', '2026-04-04T10:20:00.000Z', 5, 'paid', 'google']]);
    // A new click id is a new ad click: a new visit.
    await send([pageAt(a, '2026-04-04T10:25:00.000Z', '/boots', 'https://www.google.com/', '?utm_source=google&utm_medium=cpc&utm_campaign=boots&gclid=g-2')]);
    expect((await visitsOf(a)).map((v: unknown[]) => v[0])).toEqual(['2026-04-04T10:00:00.000Z', '2026-04-04T10:25:00.000Z']);
  });

  it('classifies a click id under another network by the referrer and keeps it', async () => {
    await send([pageAt('shared-link', '2026-04-05T10:00:00.000Z', '/', 'https://www.google.com/', '?li_fat_id=old-ad')]);
    const [session] = (await read('/v1/anonymous/shared-link')).sessions;
    expect(session).toMatchObject({ referrer: { type: 'search', source: 'google', host: 'www.google.com' }, clickIds: { li_fat_id: 'old-ad' } });
  });
});
