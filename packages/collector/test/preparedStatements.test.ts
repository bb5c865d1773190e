import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/database';
import { openPostgres } from '../src/storage/postgresDatabase';
import { migrate } from '../src/storage/migrate';
import { backends, createScratchDatabase, openTestDatabase } from './support/databases';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// The ingest path's statements run prepared (Queryable.query's name): parsed and planned once per connection.
// The sessions and identity links of a write go together, as one statement.
const INGEST_STATEMENTS = ['hc_contexts', 'hc_sessions+hc_identities'];
// With a duplicate among the events, their messageIds are claimed one by one.
const CLAIM_STATEMENT = 'hc_claim';

describe.each(backends())('a named statement on %s', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(backend, { upTo: 0 }));
  });
  afterAll(() => dispose());

  it('answers like an unnamed one, call after call, in and out of transactions', async () => {
    const sql = 'SELECT $1::integer + 1 AS n';
    for (let i = 0; i < 3; i++) {
      expect(await db.query(sql, [i], 'test_add_one')).toEqual([{ n: i + 1 }]);
      expect(await db.transaction((tx) => tx.query(sql, [i * 10], 'test_add_one'))).toEqual([{ n: i * 10 + 1 }]);
    }
  });
});

describe.runIf(backends().includes('postgres'))('prepared ingest statements on postgres', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const db = openPostgres({ connectionString: scratch.url });
    await migrate(db);
    await db.close();
  });
  afterAll(() => scratch.drop());

  /**
   * A collector on one new connection (every write, and the checks, share it); with `failFirstCommit` its first
   * commit fails after its statements ran (rolled back; the statements it prepared stay).
   */
  let collectors = 0;
  async function oneConnection(failFirstCommit: boolean) {
    const base = openPostgres({ connectionString: scratch.url, max: 1 });
    let fail = failFirstCommit;
    const db: Database = {
      ...base,
      transaction: (fn) => base.transaction(async (tx) => {
        const result = await fn(tx);
        if (fail) {
          fail = false;
          throw new Error('refused at commit');
        }
        return result;
      }),
    };
    const c = await startTestCollector('postgres', { db, app: { name: `app-${++collectors}` } });
    return {
      batch: (anonymousId: string, n: number) =>
        Array.from({ length: n }, () => trackEvent({ anonymousId, userId: `user-${anonymousId}`, context: { sessionId: `s-${anonymousId}` } })),
      send: (batch: unknown[]) => post(`${c.url}/v1/batch`, { writeKey: c.writeKey, batch }),
      stored: async (anonymousId: string) =>
        (await get(`${c.url}/v1/events?limit=1000`, bearer(c.secretKey))).body.events.filter((e: { anonymousId: string }) => e.anonymousId === anonymousId).length,
      prepared: async () =>
        (await base.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE name LIKE $1 ORDER BY name', ['hc\\_%'])).map((r) => r.name),
      failed: () => !fail && failFirstCommit,
      query: base.query,
      appId: c.appId,
      async close() {
        await c.close();
        await base.close();
      },
    };
  }

  it('prepares the contexts insert and the sessions-and-links upsert once on the connection, the claim with a duplicate', async () => {
    const one = await oneConnection(false);
    try {
      const first = one.batch('first', 3);
      expect(await one.send(first)).toMatchObject({ status: 200, body: { accepted: 3 } });
      expect(await one.send(one.batch('second', 2))).toMatchObject({ status: 200, body: { accepted: 2 } });
      expect(await one.prepared()).toEqual(INGEST_STATEMENTS);
      expect(await one.send([...one.batch('first', 1), first[0]])).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 1 } });
      expect(await one.prepared()).toEqual([...INGEST_STATEMENTS, CLAIM_STATEMENT].sort());
      expect(await one.stored('first')).toBe(4);
      expect(await one.stored('second')).toBe(2);
    } finally {
      await one.close();
    }
  });

  it('stores the events with the statements a rolled-back commit prepared', async () => {
    const one = await oneConnection(true);
    try {
      // The first commit prepared the statements and rolled back (its claims and rows gone); the request is then
      // written alone by the same prepared statements, every event once.
      expect(await one.send(one.batch('after-rollback', 4))).toMatchObject({ status: 200, body: { accepted: 4, duplicates: 0 } });
      expect(one.failed()).toBe(true);
      expect(await one.stored('after-rollback')).toBe(4);
      expect(await one.prepared()).toEqual(INGEST_STATEMENTS);
    } finally {
      await one.close();
    }
  });

  it('looks each shared context up by its key in the plan it keeps, however small the table was when it was planned', async () => {
    const one = await oneConnection(false);
    try {
      // The plan the connection keeps for its statement is made now, on an (almost) empty event_contexts.
      await one.query('SET plan_cache_mode = force_generic_plan');
      expect(await one.send(one.batch('planned-small', 2))).toMatchObject({ status: 200, body: { accepted: 2 } });
      await one.query(`INSERT INTO event_contexts (app_id, key, context)
        SELECT $1, md5(i::text)::uuid, '{"library":{"name":"x"}}' FROM generate_series(1, 5000) AS i`, [one.appId]);
      const json = JSON.stringify([{ app_id: one.appId, key: '00000000-0000-0000-0000-000000000001', context: {} }]);
      const plan = (await one.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) EXECUTE hc_contexts('${json}')`))
        .map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index (Only )?Scan using event_contexts_pkey on event_contexts/);
      expect(plan).not.toMatch(/Seq Scan on event_contexts/);
    } finally {
      await one.close();
    }
  });
});
