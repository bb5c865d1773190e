import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../src/maintenance/runMaintenance';
import { backends } from './support/databases';
import { indexesNaming } from './support/indexedColumns';
import { post, startTestCollector, type TestCollector } from './support/testCollector';

// Every event carrying a known anonymousId–userId link moves these: neither may be in an index of identities (see
// indexesNaming).
const CHANGED_BY_EVERY_WRITE = ['first_seen_at', 'last_seen_at'];

describe.each(backends())('identity link updates on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('touch no indexed column, so PostgreSQL can update a link in place', async () => {
    const { indexes, naming } = await indexesNaming(c.db, 'identities', CHANGED_BY_EVERY_WRITE);
    expect(indexes).toEqual(['identities_app_seen_hour', 'identities_pkey', 'identities_user']);
    expect(naming).toEqual([]);
  });

  it('are removed by retention to the millisecond, though found by the hour of their last activity', async () => {
    const app = await c.createApp({ name: 'links-retention' });
    await c.db.query('UPDATE apps SET retention_days = 1 WHERE id = $1', [app.appId]);
    const now = new Date('2026-09-30T12:30:00Z');
    const cutoff = now.getTime() - 86_400_000;
    // Both links were last seen in the cutoff's hour: one a minute before it, one a minute after.
    const link = (anonymousId: string, at: number) => ({
      type: 'identify', messageId: `${anonymousId}-id`, anonymousId, userId: `user-of-${anonymousId}`, timestamp: new Date(at).toISOString(),
    });
    const batch = [link('before', cutoff - 60_000), link('after', cutoff + 60_000)];
    expect((await post(`${c.url}/v1/batch`, { batch, writeKey: app.writeKey })).body).toMatchObject({ accepted: 2 });
    const hours = await c.db.query<{ hour: number }>('SELECT DISTINCT seen_hour AS hour FROM identities WHERE app_id = $1', [app.appId]);
    expect(hours.map((h) => h.hour)).toEqual([Math.floor(cutoff / 3_600_000)]);

    expect(await runMaintenance(c.db, now)).toMatchObject({ identities: 1 });
    const left = await c.db.query<{ anonymous_id: string }>('SELECT anonymous_id FROM identities WHERE app_id = $1', [app.appId]);
    expect(left.map((r) => r.anonymous_id)).toEqual(['after']);
  });
});
