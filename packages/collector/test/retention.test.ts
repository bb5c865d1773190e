import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { appsCommand } from '../src/cli/appsCommands';
import { startMaintenance } from '../src/maintenance/maintenanceLoop';
import { MAINTENANCE_LOCK, runMaintenance } from '../src/maintenance/runMaintenance';
import { createDeadLetterRepository } from '../src/storage/deadLetterRepository';
import { backends } from './support/databases';
import { post, startTestCollector, type TestCollector } from './support/testCollector';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const visit = (messageId: string, anonymousId: string, timestamp: string) => [
  { type: 'page', messageId, anonymousId, timestamp, context: { userAgent: UA, page: { path: '/', url: 'https://shop.example/' } } },
  { type: 'identify', messageId: `${messageId}-id`, anonymousId, userId: `user-of-${anonymousId}`, timestamp },
];

// The injected clock: maintenance decides what is old by this, never by the machine's time.
const NOW = new Date('2026-09-30T12:00:00Z');

describe.each(backends())('retention and maintenance on %s', (backend) => {
  let c: TestCollector;
  let dbName: string | undefined;
  beforeAll(async () => {
    c = await startTestCollector(backend, { app: { name: 'kept' } });
    dbName = backend === 'postgres' ? (await c.db.query<{ name: string }>('SELECT current_database() AS name'))[0]?.name : undefined;
  });
  afterAll(() => c.close());

  const count = async (table: string, appId: string) =>
    Number((await c.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE app_id = $1`, [appId]))[0]?.n);

  it('apps update sets retention and time zone; bad values are usage errors', async () => {
    const printed: string[] = [];
    await appsCommand(c.db, ['update', 'kept', '--retention-days', '30', '--timezone', 'Europe/Paris', '--json'], (l) => printed.push(l));
    expect(JSON.parse(printed[0] as string)).toMatchObject({ name: 'kept', retentionDays: 30, timezone: 'Europe/Paris' });
    await expect(appsCommand(c.db, ['update', 'kept', '--retention-days', '-3'], () => {})).rejects.toThrow(/--retention-days/);
    await expect(appsCommand(c.db, ['update', 'kept', '--timezone', 'Mars/Olympus'], () => {})).rejects.toThrow(/--timezone/);
    await expect(appsCommand(c.db, ['update', 'nobody', '--retention-days', '3'], () => {})).rejects.toThrow(/no app named/);
    await appsCommand(c.db, ['create', 'forever', '--retention-days', '7', '--json'], () => {});
    await appsCommand(c.db, ['update', 'forever', '--retention-days', '0', '--json'], (l) => printed.push(l));
    expect(JSON.parse(printed[1] as string)).toMatchObject({ name: 'forever', retentionDays: null, timezone: null });
  });

  it('removes events, sessions and identity links past the app\'s retention, keeps newer data and other apps', async () => {
    const other = await c.createApp({ name: 'no-retention' });
    const send = async (writeKey: string, batch: unknown[]) =>
      expect((await post(`${c.url}/v1/batch`, { batch, writeKey })).body).toMatchObject({ accepted: batch.length, rejected: [] });
    await send(c.writeKey, [...visit('old', 'old-visitor', '2026-08-01T10:00:00Z'), ...visit('new', 'new-visitor', '2026-09-20T10:00:00Z')]);
    await send(other.writeKey, visit('other-old', 'other-visitor', '2026-01-01T10:00:00Z'));
    // A dead letter past its 30 days, and a recent one.
    const deadLetters = createDeadLetterRepository(c.db);
    const entry = (receivedAt: string) => ({ receivedAt: new Date(receivedAt), code: 'invalid_event', message: 'x', messageId: null, kind: 'event', facts: {}, body: '{}' });
    await deadLetters.keep(c.appId, [entry('2026-08-15T00:00:00Z'), entry('2026-09-29T00:00:00Z')]);

    // The other app keeps everything: no partition can go whole, the old rows go one app at a time. Their dedupe keys
    // stay: they go by receipt time, and these were received today.
    expect(await runMaintenance(c.db, NOW)).toMatchObject({ skipped: false, partitions: { dropped: [] }, events: 2, sessions: 1, identities: 1, eventIds: 0, rejected: 1, more: false });
    const rows = await c.db.query<{ message_id: string }>('SELECT message_id FROM events WHERE app_id = $1 ORDER BY message_id', [c.appId]);
    expect(rows.map((r) => r.message_id)).toEqual(['new', 'new-id']);
    expect(await count('sessions', c.appId)).toBe(1);
    expect(await count('identities', c.appId)).toBe(1);
    expect(await count('rejected_events', c.appId)).toBe(1);
    expect(await count('events', other.appId)).toBe(2);
    // Nothing more is old: a second pass removes nothing.
    expect(await runMaintenance(c.db, NOW)).toMatchObject({ events: 0, sessions: 0, identities: 0, rejected: 0 });
  });

  it('removes a large backlog in bounded batches, saying when more is left', async () => {
    const app = await c.createApp({ name: 'batched' });
    await c.db.query('UPDATE apps SET retention_days = 1 WHERE id = $1', [app.appId]);
    await post(`${c.url}/v1/batch`, { batch: Array.from({ length: 5 }, (_, i) => ({ type: 'track', event: 'Old', messageId: `b-${i}`, anonymousId: 'b', timestamp: '2026-01-01T00:00:00Z' })), writeKey: app.writeKey });
    expect(await runMaintenance(c.db, NOW, 3)).toMatchObject({ events: 3, more: true });
    expect(await runMaintenance(c.db, NOW, 3)).toMatchObject({ events: 2, more: false });
    expect(await count('events', app.appId)).toBe(0);
  });

  it('the loop runs passes on its own, with the injected clock', async () => {
    const app = await c.createApp({ name: 'looped' });
    await c.db.query('UPDATE apps SET retention_days = 1 WHERE id = $1', [app.appId]);
    await post(`${c.url}/v1/batch`, { batch: [{ type: 'track', event: 'Old', messageId: 'l-1', anonymousId: 'l', timestamp: '2026-01-01T00:00:00Z' }], writeKey: app.writeKey });
    const logged: string[] = [];
    const stop = startMaintenance(c.db, () => NOW, (_level, message) => logged.push(message), { firstAfterMs: 0, everyMs: 60_000 });
    try {
      // Bounded polling: the first pass starts at once and takes one transaction.
      for (let i = 0; i < 200 && (await count('events', app.appId)) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await count('events', app.appId)).toBe(0);
    } finally {
      await stop();
    }
    expect(logged).toContain('maintenance removed old data');
  });

  // PGlite is one process: only PostgreSQL can have another collector holding the lock.
  if (backend === 'postgres') it('skips a pass while another collector holds the maintenance lock', async () => {
    const app = await c.createApp({ name: 'locked' });
    await c.db.query('UPDATE apps SET retention_days = 1 WHERE id = $1', [app.appId]);
    await post(`${c.url}/v1/batch`, { batch: [{ type: 'track', event: 'Old', messageId: 'k-1', anonymousId: 'k', timestamp: '2026-01-01T00:00:00Z' }], writeKey: app.writeKey });
    const target = new URL(process.env.TEST_DATABASE_URL as string);
    target.pathname = `/${dbName}`;
    const holder = new pg.Client({ connectionString: target.toString() });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MAINTENANCE_LOCK]);
      expect(await runMaintenance(c.db, NOW)).toMatchObject({ skipped: true, events: 0 });
      expect(await count('events', app.appId)).toBe(1);
      await holder.query('SELECT pg_advisory_unlock($1)', [MAINTENANCE_LOCK]);
      expect(await runMaintenance(c.db, NOW)).toMatchObject({ skipped: false, events: 1 });
    } finally {
      await holder.end();
    }
  });
});
