import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzCollector } from '../../../scripts/fuzz/fuzzCollector.mjs';
import { backends } from './support/databases';
import { startTestCollector, type TestCollector } from './support/testCollector';

// Seeded, so a failure replays exactly (FUZZ_SEED). `pnpm chaos` runs 10,000 requests of the same fuzz.
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

describe.each(backends())('fuzzed Segment payloads through every ingest path, on %s', (backend) => {
  let c: TestCollector;
  let apps: Array<{ writeKey: string; secretKey: string }>;
  beforeAll(async () => {
    c = await startTestCollector(backend);
    apps = [{ writeKey: c.writeKey, secretKey: c.secretKey }, await c.createApp({ name: 'second' })];
  });
  afterAll(() => c.close());

  it('answers no 5xx, stores every valid event once and keeps every rejected one', async () => {
    const figures = await fuzzCollector({ url: c.url, apps, seed: SEED, requests: 240 });
    expect(figures.problems).toEqual([]);
    expect(figures).toMatchObject({ responses5xx: 0, lost: 0, doubled: 0, unexpected: 0 });
    // The run exercised both verdicts, and bodies refused whole.
    expect(figures.stored).toBeGreaterThan(100);
    expect(figures.deadLettered).toBeGreaterThan(50);
    expect(figures.statuses['400']).toBeGreaterThan(0);
  });
});
