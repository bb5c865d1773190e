// Segment's analytics-next from npm, unmodified, on a page of another origin than the collector.
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { expectCorrectedTimes } from '../support/storedAsSent';
import { expectCorsAnswers, expectEveryCallStoredOnce, expectIds, expectSessionAndAttribution, pathsRequested } from './expectStored';
import { runCase, setUpCompatHarness } from './harness';

const harness = setUpCompatHarness('segmentScenario.ts');

describe('@segment/analytics-next in Chromium, cross-origin', () => {
  it.each([
    ['default', ['/v1/p', '/v1/t', '/v1/i', '/v1/g', '/v1/a']],
    ['batching', ['/v1/b']],
  ])('%s mode: every call stored once with its ids, times, an inferred session and its source', async (mode, paths) => {
    const run = await runCase(harness(), 'segment', mode);
    const { events, sent } = await expectEveryCallStoredOnce(run);
    // Its own metrics go to /v1/m: answered 200, nothing stored.
    await eventually('analytics-next metrics answered', () => run.calls.find((c) => c.path === '/v1/m' && c.status !== null));
    expectCorsAnswers(run);
    expect(await run.read.events()).toHaveLength(events.length);
    // The library's own paths; events carry HTTP Basic, so the browser preflights each (metrics are plain text/plain).
    expect(pathsRequested(run, 'POST')).toEqual([...paths, '/v1/m'].sort());
    expect(pathsRequested(run, 'OPTIONS')).toEqual([...paths].sort());
    expect([...sent.values()].every((e) => e.writeKey === run.config.writeKey)).toBe(true);
    expectIds(run, events, sent);
    // Times: client time within the page's call window (page clock), corrected exactly.
    expectCorrectedTimes(events, run.result);
    // analytics.js sends no session id: the collector infers one.
    expect([...sent.values()].some((e) => (e.context as { sessionId?: unknown } | undefined)?.sessionId !== undefined)).toBe(false);
    await expectSessionAndAttribution(run, events, null);
  });
});
