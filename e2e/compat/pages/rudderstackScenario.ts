// Bundled into the test page: RudderStack's analytics-js v3, unmodified, configured offline as CLIENTS.md says.
import { RudderAnalytics } from '@rudderstack/analytics-js/bundled';
import { TRACK_EVENT, type ScenarioConfig, type ScenarioResult } from '../scenario';

async function run(config: ScenarioConfig): Promise<ScenarioResult> {
  const rudder = new RudderAnalytics();
  const loaded = new Promise<void>((resolve) => rudder.ready(() => resolve()));
  rudder.load(config.writeKey, config.collector, {
    // The source's configuration inline: no control plane, no destinations (the bundled build loads no plugins).
    getSourceConfig: () => ({
      source: { id: 'compat-source', name: 'compat', workspaceId: 'compat-workspace', enabled: true, config: {}, destinations: [] },
    }),
    ...(config.mode === 'beacon' ? { useBeacon: true, beaconQueueOptions: { flushQueueInterval: 300 } } : {}),
  });
  await loaded;
  const from = Date.now();
  rudder.page();
  rudder.track(TRACK_EVENT, { plan: 'pro', seats: 3 });
  rudder.identify(config.userId, { email: 'ada@example.com' });
  rudder.group(config.groupId, { name: 'Acme' });
  rudder.alias(config.aliasTo);
  const to = Date.now();
  return { anonymousId: rudder.getAnonymousId() ?? '', sessionId: rudder.getSessionId() ?? null, from, to };
}

window.compatScenario = run;
