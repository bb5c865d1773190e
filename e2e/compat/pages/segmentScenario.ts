// Bundled into the test page: Segment's analytics-next, unmodified, configured offline as CLIENTS.md says.
import { AnalyticsBrowser } from '@segment/analytics-next';
import { TRACK_EVENT, type ScenarioConfig, type ScenarioResult } from '../scenario';

async function run(config: ScenarioConfig): Promise<ScenarioResult> {
  const apiHost = `${new URL(config.collector).host}/v1`;
  const batching = config.mode === 'batching' ? { deliveryStrategy: { strategy: 'batching' as const, config: { size: 10, timeout: 300 } } } : {};
  const [analytics] = await AnalyticsBrowser.load(
    // Inline settings instead of the CDN's: the Segment.io destination only, pointed at the collector, and the
    // library's own metrics (which go to the same apiHost, at /m) flushed every 200 ms instead of every 30 s.
    {
      writeKey: config.writeKey,
      cdnSettings: { integrations: { 'Segment.io': { apiKey: config.writeKey, apiHost, protocol: 'http' } }, metrics: { flushTimer: 200 } },
    },
    { integrations: { 'Segment.io': { apiHost, protocol: 'http', ...batching } } },
  );
  const from = Date.now();
  // Each promise settles after one delivery attempt (or at once when batching); retries go on silently.
  await analytics.page();
  await analytics.track(TRACK_EVENT, { plan: 'pro', seats: 3 });
  await analytics.identify(config.userId, { email: 'ada@example.com' });
  await analytics.group(config.groupId, { name: 'Acme' });
  await analytics.alias(config.aliasTo);
  const to = Date.now();
  return { anonymousId: analytics.user().anonymousId() ?? '', sessionId: null, from, to };
}

window.compatScenario = run;
