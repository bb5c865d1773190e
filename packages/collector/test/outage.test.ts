import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/storage/postgresDatabase';
import { migrate } from '../src/storage/migrate';
import { createScratchDatabase, backends } from './support/databases';
import { startTcpProxy } from './support/tcpProxy';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// Only PostgreSQL can become unreachable: PGlite lives inside the collector's own process.
describe.runIf(backends().includes('postgres'))('database outage on postgres', () => {
  let c: TestCollector;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    const target = new URL(scratch.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(scratch.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const db = openPostgres({ connectionString: viaProxy.toString() });
    await migrate(db);
    c = await startTestCollector('postgres', { db });
  });
  afterAll(async () => {
    await c.close();
    await c.db.close();
    await drop();
  });

  it('answers 503 with Retry-After while the database is down, loses nothing acknowledged, and recovers', async () => {
    const before = trackEvent({ anonymousId: 'outage' });
    expect((await post(`${c.url}/v1/batch`, { batch: [before], writeKey: c.writeKey })).status).toBe(200);

    await proxy.cut();
    const during = trackEvent({ anonymousId: 'outage' });
    const refused = await post(`${c.url}/v1/batch`, { batch: [during], writeKey: c.writeKey });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('database_unavailable');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const health = await get(`${c.url}/healthz`);
    expect(health.status).toBe(503);

    await proxy.restore();
    // The client retries what was refused; the collector takes it as soon as the database answers.
    let retried = await post(`${c.url}/v1/batch`, { batch: [during, before], writeKey: c.writeKey });
    for (let i = 0; i < 20 && retried.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      retried = await post(`${c.url}/v1/batch`, { batch: [during, before], writeKey: c.writeKey });
    }
    expect(retried.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await get(`${c.url}/healthz`)).status).toBe(200);
    const stored = (await get(`${c.url}/v1/events?limit=100`, bearer(c.secretKey))).body.events;
    expect(stored.map((e: any) => e.messageId).sort()).toEqual([before.messageId, during.messageId].sort());
  });
});
