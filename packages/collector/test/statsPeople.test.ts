import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const browser = (page: Record<string, string>) => ({ userAgent: UA, page });

describe.each(backends())('/v1/stats counts people and pages on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const send = async (batch: unknown[]) =>
    expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: batch.length, rejected: [] });
  const stats = async () => (await get(`${c.url}/v1/stats?from=2026-08-01T00:00:00Z&to=2026-08-02T00:00:00Z`, bearer(c.secretKey))).body;

  it('counts an id renamed by alias as the person it became', async () => {
    const home = { path: '/', url: 'https://shop.example/' };
    await send([
      { type: 'page', messageId: 'laptop-1', anonymousId: 'laptop', timestamp: '2026-08-01T08:00:00Z', context: browser(home) },
      { type: 'identify', messageId: 'laptop-2', anonymousId: 'laptop', userId: 'ada-old', timestamp: '2026-08-01T08:01:00Z', context: browser(home) },
      { type: 'page', messageId: 'phone-1', anonymousId: 'phone', timestamp: '2026-08-01T10:00:00Z', context: browser(home) },
      { type: 'identify', messageId: 'phone-2', anonymousId: 'phone', userId: 'ada', timestamp: '2026-08-01T10:01:00Z', context: browser(home) },
      { type: 'page', messageId: 'other-1', anonymousId: 'someone-else', timestamp: '2026-08-01T11:00:00Z', context: browser(home) },
    ]);
    expect(await stats()).toMatchObject({ sessions: 3, visitors: 3 });
    await send([{ type: 'alias', messageId: 'rename', previousId: 'ada-old', userId: 'ada', anonymousId: 'phone', timestamp: '2026-08-01T10:02:00Z', context: browser(home) }]);
    expect(await stats()).toMatchObject({ sessions: 3, visitors: 2 });
  });

  it('counts page views that carry only context.page.url in topPages', async () => {
    await send([
      { type: 'page', messageId: 'url-only-1', anonymousId: 'reader', timestamp: '2026-08-01T12:00:00Z', context: { page: { url: 'https://shop.example/guides/sizing?ref=nav#top' } } },
      { type: 'page', messageId: 'url-only-2', anonymousId: 'reader', timestamp: '2026-08-01T12:01:00Z', context: { page: { url: 'https://shop.example/guides/sizing' } } },
      { type: 'page', messageId: 'url-only-3', anonymousId: 'reader', timestamp: '2026-08-01T12:02:00Z', context: { page: { url: 'https://shop.example' } } },
    ]);
    const { topPages } = await stats();
    expect(topPages).toContainEqual({ path: '/guides/sizing', views: 2 });
    // The bare origin is the home page, counted with the views that named their path.
    expect(topPages).toContainEqual({ path: '/', views: 4 });
  });
});
