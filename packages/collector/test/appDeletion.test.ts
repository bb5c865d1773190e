import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { post, startTestCollector, type TestCollector } from './support/testCollector';

// What ingest writes carries no foreign key to apps (each was a per-row check on the ingest path, migrations 0013 and
// 0016): deleting an app by hand still deletes all it stored, and nothing of another app.
const TABLES = ['events', 'event_ids', 'event_contexts', 'sessions', 'identities', 'aliases'];

describe.each(backends())('deleting an app on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const counts = async (appId: string) => Object.fromEntries(await Promise.all(TABLES.map(async (table) =>
    [table, (await c.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE app_id = $1`, [appId]))[0]!.n])));

  it('deletes its events, dedupe keys, contexts and visits, and leaves other apps whole', async () => {
    const gone = await c.createApp({ name: 'gone' });
    const kept = await c.createApp({ name: 'kept' });
    const batch = (prefix: string) => [
      ...[0, 1, 2].map((i) => ({
        type: 'page', messageId: `${prefix}-${i}`, anonymousId: `${prefix}-visitor`, userId: i === 2 ? `${prefix}-user` : undefined,
        timestamp: new Date(Date.now() - 60_000 + i * 1000).toISOString(),
        context: { sessionId: `${prefix}-visit`, userAgent: 'Mozilla/5.0', page: { path: `/${i}` } },
      })),
      { type: 'alias', messageId: `${prefix}-alias`, previousId: `${prefix}-old-user`, userId: `${prefix}-user`, timestamp: new Date(Date.now() - 50_000).toISOString() },
    ];
    for (const [app, prefix] of [[gone, 'g'], [kept, 'k']] as const) {
      expect((await post(`${c.url}/v1/batch`, { batch: batch(prefix), writeKey: app.writeKey })).body).toMatchObject({ accepted: 4 });
    }
    const keptBefore = await counts(kept.appId);
    expect(keptBefore).toMatchObject({ events: 4, event_ids: 4, event_contexts: 2, sessions: 1, identities: 2, aliases: 1 });
    expect(await counts(gone.appId)).toEqual(keptBefore);

    await c.db.query('DELETE FROM apps WHERE id = $1', [gone.appId]);
    expect(Object.values(await counts(gone.appId))).toEqual(TABLES.map(() => 0));
    expect(await counts(kept.appId)).toEqual(keptBefore);
  });
});
