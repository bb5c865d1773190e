import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../../../scripts/chaos/lib/postgresCluster.mjs';
import { ConfigError, readConfig } from '../src/config';
import { startServer } from '../src/server';
import type { Database } from '../src/storage/database';
import { migrate } from '../src/storage/migrate';
import { openPostgres } from '../src/storage/postgresDatabase';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const visit = (messageId: string, anonymousId: string) =>
  ({ type: 'page', messageId, anonymousId, timestamp: new Date().toISOString(), context: { userAgent: UA, page: { path: '/', url: 'https://shop.example/' } } });

/** Bounded polling: replication is asynchronous, so the test waits for it, up to a limit, never for a fixed time. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 400 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

// A streaming replica is PostgreSQL's: a throwaway primary and standby of our own, never the shared server.
describe.runIf(backends().includes('postgres'))('DATABASE_READ_URL: reads from a streaming replica', () => {
  let cluster: PostgresCluster;
  let primary: Database;
  let replica: Database;
  let c: TestCollector;
  let standbyUrl: string;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    primary = openPostgres({ connectionString: cluster.url });
    await migrate(primary);
    const standby = await cluster.startReplica();
    standbyUrl = standby.url;
    replica = openPostgres({ connectionString: standby.url });
    c = await startTestCollector('postgres', { db: primary, deps: { readDb: replica } });
  }, 120_000);
  afterAll(async () => {
    await c?.close();
    await replica?.close();
    await primary?.close();
    await cluster?.dispose();
  });

  const send = async (batch: unknown[]) =>
    expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: batch.length, rejected: [] });
  const listed = async () => (await get(`${c.url}/v1/events`, bearer(c.secretKey))).body.events.map((e: { messageId: string }) => e.messageId);
  const exported = async () => (await (await fetch(`${c.url}/v1/export`, { headers: bearer(c.secretKey) })).text()).split('\n').filter(Boolean).length;
  const sessions = async () => (await get(`${c.url}/v1/stats`, bearer(c.secretKey))).body.sessions;
  const active = async () => (await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers;

  it('serves the read API, stats and export from the replica while ingest and the live count stay on the primary', async () => {
    expect((await replica.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby'))[0]?.standby).toBe(true);
    await send([visit('first', 'ada')]);
    expect(await eventually(listed, (ids) => ids.length === 1)).toEqual(['first']);

    // Replay paused: the replica stops where it is, the primary goes on.
    await replica.query('SELECT pg_wal_replay_pause()');
    expect(await eventually(async () => (await replica.query<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state'))[0]?.state,
      (state) => state === 'paused')).toBe('paused');
    await send([visit('second', 'bob')]);
    expect((await primary.query('SELECT 1 FROM events'))).toHaveLength(2);
    // Reads lag behind: they come from the replica...
    expect(await listed()).toEqual(['first']);
    expect(await exported()).toBe(1);
    expect(await sessions()).toBe(1);
    // ...while the live count, on the primary, already has Bob.
    expect(await active()).toBe(2);

    await replica.query('SELECT pg_wal_replay_resume()');
    expect(await eventually(listed, (ids) => ids.length === 2)).toEqual(['first', 'second']);
    expect(await exported()).toBe(2);
    expect(await sessions()).toBe(2);
  }, 60_000);

  it('the server opens DATABASE_READ_URL and closes it at shutdown', async () => {
    const server = await startServer(readConfig({ DATABASE_URL: cluster.url, DATABASE_READ_URL: standbyUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }));
    try {
      await replica.query('SELECT pg_wal_replay_pause()');
      await eventually(async () => (await replica.query<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state'))[0]?.state, (state) => state === 'paused');
      await post(`${server.url}/v1/batch`, { batch: [visit('third', 'cy')], writeKey: c.writeKey });
      const ids = (await get(`${server.url}/v1/events`, bearer(c.secretKey))).body.events.map((e: { messageId: string }) => e.messageId);
      expect(ids).toEqual(['first', 'second']);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
      await server.close();
    }
  }, 60_000);

  it('refuses DATABASE_READ_URL without DATABASE_URL (the embedded database has no replica)', () => {
    expect(() => readConfig({ DATABASE_READ_URL: 'postgres://replica/db' })).toThrow(ConfigError);
  });
});
