// RudderStack's analytics-js v3 from npm (bundled build), unmodified, on a page of another origin than the collector.
import { describe, expect, it } from 'vitest';
import { expectCorrectedTimes } from '../support/storedAsSent';
import { expectEveryCallStoredOnce, expectIds, expectSessionAndAttribution, pathsRequested } from './expectStored';
import { runCase, setUpCompatHarness } from './harness';

const harness = setUpCompatHarness('rudderstackScenario.ts');

describe('@rudderstack/analytics-js v3 in Chromium, cross-origin', () => {
  const calls = ['/v1/page', '/v1/track', '/v1/identify', '/v1/group', '/v1/alias'];
  // XHR with a JSON body and HTTP Basic is preflighted; a text/plain sendBeacon is not.
  it.each([
    ['default', calls, calls],
    ['beacon', ['/beacon/v1/batch'], []],
  ])('%s mode: every call stored once with its ids, times, its numeric session and its source', async (mode, paths, preflighted) => {
    const run = await runCase(harness(), 'rudderstack', mode);
    const { events, sent } = await expectEveryCallStoredOnce(run);
    expect(pathsRequested(run, 'POST')).toEqual([...paths].sort());
    expect(pathsRequested(run, 'OPTIONS')).toEqual([...preflighted].sort());
    expectIds(run, events, sent);
    // Times: client time within the page's call window (page clock), corrected exactly.
    expectCorrectedTimes(events, run.result);
    // RudderStack numbers its sessions; the collector keeps that session as its decimal string.
    expect(typeof run.result.sessionId).toBe('number');
    for (const event of sent.values()) expect((event.context as { sessionId?: unknown }).sessionId).toBe(run.result.sessionId);
    await expectSessionAndAttribution(run, events, String(run.result.sessionId));
  });
});
