import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppsRepository } from '../src/apps/appsRepository';
import { readConfig } from '../src/config';
import { startServer } from '../src/server';
import { backends, createScratchDatabase } from './support/databases';
import { post, trackEvent } from './support/testCollector';

describe.each(backends())('graceful shutdown on %s', (backend) => {
  const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
  let drop = async () => {};
  beforeAll(async () => {
    if (backend === 'postgres') {
      const scratch = await createScratchDatabase();
      drop = scratch.drop;
      env.DATABASE_URL = scratch.url;
    } else {
      env.HEADCOUNT_DATA_DIR = mkdtempSync(join(tmpdir(), 'headcount-shutdown-'));
    }
  });
  afterAll(() => drop());

  // On PGlite the server starts twice on a data directory of its own (initdb, every migration): 13 s alone, over 30 s
  // on a machine busy with other work.
  it('finishes the writes in flight, refuses new connections, and keeps every acknowledged event', { timeout: 90_000 }, async () => {
    const running = await startServer(readConfig(env));
    const { app } = await createAppsRepository(running.db).create({ name: 'shutdown' });
    const inFlight = Array.from({ length: 20 }, () =>
      post(`${running.url}/v1/batch`, { batch: Array.from({ length: 50 }, () => trackEvent({ anonymousId: 'bye' })), writeKey: app.writeKey }));
    const settled = Promise.allSettled(inFlight);
    // Let the requests reach the server before it is asked to stop.
    await new Promise((r) => setTimeout(r, 20));
    await running.close();
    const answers = await settled;
    const acknowledged = answers.reduce((sum, a) => sum + (a.status === 'fulfilled' && a.value.status === 200 ? (a.value.body.accepted as number) : 0), 0);
    expect(acknowledged).toBeGreaterThan(0);
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();

    const reopened = await startServer(readConfig(env));
    try {
      const [row] = await reopened.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM events');
      // Every 200 was a commit (a request cut before its answer may have committed too, and will be deduped on retry).
      expect(row?.n).toBeGreaterThanOrEqual(acknowledged);
    } finally {
      await reopened.close();
    }
  });
});
