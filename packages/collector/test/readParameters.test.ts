import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, startTestCollector, type TestCollector } from './support/testCollector';

const cursor = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

// Every value here once reached SQL and came back as a 500; each must be a 400 that names its parameter.
describe.each(backends())('read parameters the database cannot hold are 400 (%s)', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const read = (path: string) => get(`${c.url}${path}`, bearer(c.secretKey));

  it.each([
    ['/v1/events?from=-271821-04-20T00:00:00Z', 'from'],
    ['/v1/events?to=+275760-09-13T00:00:00Z', 'to'],
    ['/v1/sessions?from=-271821-04-20T00:00:00Z', 'from'],
    ['/v1/sessions?to=+200000-01-01T00:00:00Z', 'to'],
    ['/v1/stats?from=-000001-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['/v1/stats?to=+010000-01-01T00:00:00Z', 'to'],
    [`/v1/events?after=${cursor(['2026-01-01T00:00:00.000Z', '12345678901234567890'])}`, 'after'],
    [`/v1/events?after=${cursor(['2026-01-01T00:00:00.000Z', '9223372036854775808'])}`, 'after'],
    [`/v1/events?after=${cursor(['-271821-04-20T00:00:00.000Z', '1'])}`, 'after'],
    [`/v1/sessions?after=${cursor(['+275760-09-13T00:00:00.000Z', 's1'])}`, 'after'],
    [`/v1/sessions?after=${cursor(['2026-01-01T00:00:00.000Z', 'bad\u0000id'])}`, 'after'],
    ['/v1/events?sessionId=a%00b', 'sessionId'],
    ['/v1/events?event=%00', 'event'],
    ['/v1/stats/timeseries?from=-271821-04-20T00:00:00Z&interval=day', 'from'],
    ['/v1/stats/breakdown?by=page&to=+275760-09-13T00:00:00Z', 'to'],
    ['/v1/stats/breakdown?by=page&page=%00', 'page'],
    ['/v1/stats/timeseries?tz=%00', 'tz'],
    ['/v1/users/u%00', 'userId'],
    ['/v1/anonymous/a%00', 'anonymousId'],
  ])('%s', async (path, parameter) => {
    const res = await read(path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_query');
    expect(res.body.error.message.startsWith(`${parameter} `)).toBe(true);
  });

  it.each([
    '/v1/events?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z',
    '/v1/sessions?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z',
    '/v1/stats?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z',
    `/v1/events?after=${cursor(['9999-12-31T23:59:59.999Z', '9223372036854775807'])}`,
    `/v1/sessions?after=${cursor(['0001-01-01T00:00:00.000Z', 'kiosk-s1'])}`,
  ])('the extremes that can be stored still answer 200: %s', async (path) => {
    expect((await read(path)).status).toBe(200);
  });
});
