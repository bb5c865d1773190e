import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppsRepository } from '../src/apps/appsRepository';
import { readConfig } from '../src/config';
import { startServer } from '../src/server';
import type { Database } from '../src/storage/database';
import { migrate } from '../src/storage/migrate';
import { openPostgres } from '../src/storage/postgresDatabase';
import { backends, createScratchDatabase, openTestDatabase } from './support/databases';
import { openSse } from './support/sseClient';
import { basic, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

const env = () => ({
  PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', HEADCOUNT_RATE_LIMIT: '0',
  HEADCOUNT_DATA_DIR: mkdtempSync(join(tmpdir(), 'headcount-bounded-')),
});
const batchOf = (n: number) => Array.from({ length: n }, () => trackEvent({ anonymousId: 'busy' }));

describe.runIf(backends().includes('postgres'))('a table locked by someone else on postgres', () => {
  let c: TestCollector;
  let drop: () => Promise<void>;
  let url: string;
  beforeAll(async () => {
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    url = scratch.url;
    const db = openPostgres({ connectionString: url, timeouts: { lockMs: 200 } });
    await migrate(db);
    c = await startTestCollector('postgres', { db });
  });
  afterAll(async () => {
    await c?.close();
    await c?.db.close();
    await drop?.();
  });

  it('answers 503 database_timeout with Retry-After instead of holding the request, then takes it once the lock goes', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const event = trackEvent({ anonymousId: 'locked-out' });
    try {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const refused = await post(`${c.url}/v1/batch`, { batch: [event] }, basic(c.writeKey));
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('database_timeout');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await admin.query('ROLLBACK');
      await admin.end();
    }
    const retried = await post(`${c.url}/v1/batch`, { batch: [event] }, basic(c.writeKey));
    expect(retried.status).toBe(200);
    expect(retried.body.accepted).toBe(1);
  });
});

describe.runIf(backends().includes('postgres'))('migrations on postgres', () => {
  it('wait for another collector migrating, beyond the serving lock timeout', async () => {
    const scratch = await createScratchDatabase();
    const db = openPostgres({ connectionString: scratch.url, timeouts: { lockMs: 100 } });
    const other = new pg.Client({ connectionString: scratch.url });
    await other.connect();
    try {
      // Another collector is migrating: it holds the migration lock for longer than the lock timeout.
      await other.query('SELECT pg_advisory_lock(7280001)');
      const migrating = migrate(db);
      await new Promise((r) => setTimeout(r, 500));
      await other.query('SELECT pg_advisory_unlock(7280001)');
      await expect(migrating).resolves.toBeInstanceOf(Array);
    } finally {
      await other.end();
      await db.close();
      await scratch.drop();
    }
  });
});

describe('a database that never finishes a commit', () => {
  let base: Awaited<ReturnType<typeof openTestDatabase>>;
  let stuck: Database;
  let writeKey: string;
  beforeAll(async () => {
    base = await openTestDatabase('pglite');
    writeKey = (await createAppsRepository(base.db).create({ name: 'stuck' })).app.writeKey;
    stuck = { ...base.db, transaction: () => new Promise<never>(() => {}) };
  });
  afterAll(() => base.dispose());

  it('refuses writes with 503 overloaded + Retry-After once its queue is full, and SIGTERM still finishes by its deadline', async () => {
    // A queue of 100 events: one batch of 40 in the stuck commit and two waiting (80); a fourth would pass the bound.
    const running = await startServer(readConfig(env()), { db: stuck, maxQueuedEvents: 100 }, { shutdownGraceMs: 300 });
    // Six at once, in whatever order they arrive: the first is committing (stuck), two wait, three are refused at once.
    const sent = Array.from({ length: 6 }, () => post(`${running.url}/v1/batch`, { batch: batchOf(40) }, basic(writeKey)));
    const refusals: Array<Awaited<ReturnType<typeof post>>> = [];
    await new Promise<void>((resolve) => sent.forEach((answer) => void answer.then((a) => {
      refusals.push(a);
      if (refusals.length === 3) resolve();
    }, () => {})));
    for (const refused of refusals) {
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('overloaded');
      expect(refused.headers.get('retry-after')).toBe('1');
    }

    // Without a deadline this would wait for the stuck commits for good (and the test time out).
    await running.close();
    const answers = await Promise.allSettled(sent);
    // Nothing was acknowledged that was not committed: the stuck requests got no 200.
    expect(answers.every((a) => a.status === 'rejected' || a.value.status !== 200)).toBe(true);
  });
});

describe('HTTP server timeouts', () => {
  it('closes a connection that sends its headers too slowly (slowloris), while an SSE stream outlives the request timeout', async () => {
    const running = await startServer(readConfig(env()), {}, { headersTimeoutMs: 500, requestTimeoutMs: 800 });
    try {
      const { app } = await createAppsRepository(running.db).create({ name: 'timeouts' });
      const port = Number(new URL(running.url).port);
      const stream = await openSse(`${running.url}/v1/active/stream?writeKey=${app.writeKey}`);
      expect(stream.status).toBe(200);

      const slow = net.connect(port, '127.0.0.1');
      const closed = new Promise<string>((resolve) => {
        let answer = '';
        slow.on('data', (d) => (answer += d));
        slow.on('close', () => resolve(answer));
        slow.on('error', () => {});
      });
      slow.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
      const drip = setInterval(() => slow.write('X-Slow: 1\r\n'), 100);
      const answer = await closed;
      clearInterval(drip);
      // Node answers 408 (or just closes) once the headers deadline passes.
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);

      // The stream has now lived past the request timeout and still follows the count.
      await post(`${running.url}/v1/batch`, { batch: [trackEvent({ anonymousId: 'visitor', context: { sessionId: 's-1', page: { path: '/' } } })] }, basic(app.writeKey));
      await stream.untilCount(1);
      stream.close();
      expect((await get(`${running.url}/healthz`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
