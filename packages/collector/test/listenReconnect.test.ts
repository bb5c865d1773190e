import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/storage/migrate';
import { openPostgres } from '../src/storage/postgresDatabase';
import { backends, createScratchDatabase } from './support/databases';
import { openSse } from './support/sseClient';
import { startTcpProxy } from './support/tcpProxy';
import { post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

const AGREE_MS = 2000;
// No periodic resync and no slow poll: only NOTIFY and the reconnection itself can bring the count over.
const live = { resyncMs: 60_000, pollWithoutListenMs: 60_000 };

// LISTEN is PostgreSQL's: PGlite is one process.
describe.runIf(backends().includes('postgres'))('LISTEN through a dropped connection', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: TestCollector;
  let b: TestCollector;
  let admin: pg.Client;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const dbA = openPostgres({ connectionString: scratch.url });
    await migrate(dbA);
    a = await startTestCollector('postgres', { db: dbA, deps: { live } });
    // B is another collector on the same database and app: its own pool, its own LISTEN connection, through a proxy we can cut.
    const target = new URL(scratch.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(scratch.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const dbB = openPostgres({ connectionString: viaProxy.toString() });
    b = await startTestCollector('postgres', { db: dbB, deps: { live }, app: { name: 'unused' } });
    admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    for (const c of [a, b]) {
      await c?.close();
      await c?.db.close();
    }
    await scratch?.drop();
  });

  it('re-listens on the error itself: a process whose LISTEN dropped agrees with the other within 2 s', async () => {
    const onB = await openSse(`${b.url}/v1/active/stream?writeKey=${a.writeKey}`);
    await onB.untilCount(0);
    const listeners = async () => (await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")).rows.map((r) => r.pid);
    await expect.poll(listeners).toHaveLength(1);
    const [dropped] = await listeners();

    // The database drops B's LISTEN connection, as a failover or an idle-connection reaper would.
    await admin.query('SELECT pg_terminate_backend($1)', [dropped]);
    await expect.poll(listeners).not.toContain(dropped);
    // A's NOTIFY may go out while B is not listening: B must catch up by itself.
    const sent = await post(`${a.url}/v1/batch`, { batch: [trackEvent({ anonymousId: 'through-drop', context: { sessionId: 'td-1', page: { path: '/' } } })], writeKey: a.writeKey });
    expect(sent.status).toBe(200);
    const started = performance.now();
    await onB.untilCount(1, AGREE_MS);
    console.log(`B agreed ${Math.round(performance.now() - started)} ms after A's commit, through the drop`);
    // And B listens again: the next change arrives by NOTIFY.
    await expect.poll(listeners).toHaveLength(1);
    await post(`${a.url}/v1/batch`, { batch: [trackEvent({ anonymousId: 'after-drop', context: { sessionId: 'ad-1', page: { path: '/' } } })], writeKey: a.writeKey });
    await onB.untilCount(2, AGREE_MS);
    onB.close();
  });

  it('catches up on what it missed while it could not listen, as soon as the database is reachable again', async () => {
    const onB = await openSse(`${b.url}/v1/active/stream?writeKey=${a.writeKey}`);
    const before = (await onB.untilCount(2)).data;
    expect(JSON.parse(before).activeUsers).toBe(2);
    // B is cut off: its LISTEN drops and cannot come back; A's NOTIFY meanwhile never reaches it.
    await proxy.cut();
    const sent = await post(`${a.url}/v1/batch`, { batch: [trackEvent({ anonymousId: 'while-cut', context: { sessionId: 'wc-1', page: { path: '/' } } })], writeKey: a.writeKey });
    expect(sent.status).toBe(200);
    await proxy.restore();
    // No NOTIFY will ever say it: B recounts because it re-listened.
    await onB.untilCount(3, 5000);
    onB.close();
  });
});
