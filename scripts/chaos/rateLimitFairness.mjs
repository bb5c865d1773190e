// One client on 50 connections posting batches that cannot be read, with the app's real write key
// (issue 10 #7: it once left a real visitor of that app with 429, 429, 200, 429): its own address
// runs out of requests, and the visitor meanwhile gets 200s.
import { floodInWorker } from './lib/loopbackTraffic.mjs';
import { underAbuse } from './lib/underAbuse.mjs';

export const name = 'one abusive client does not starve the visitors of its app';

export function run({ command, perApp = 200, connections = 50, requests = 20_000, durationMs = 15_000 } = {}) {
  return underAbuse({
    command,
    // A low app-wide ceiling, so the abuser alone could exhaust it if it were the only limit; per address: a tenth.
    env: { HEADCOUNT_RATE_LIMIT: String(perApp) },
    async abuse({ url, writeKey }) {
      const abuse = await floodInWorker({
        url,
        path: '/v1/batch',
        count: requests,
        concurrency: connections,
        deadlineMs: durationMs,
        localAddresses: ['127.0.0.2'],
        body: JSON.stringify({ writeKey, batch: 'not a list of events' }),
      });
      return {
        figures: {
          appLimitPerSecond: perApp,
          addressLimitPerSecond: Math.ceil(perApp / 10),
          abusiveRequests: abuse.sent,
          abusiveRequestsPerSecond: Math.round(abuse.sent / abuse.seconds),
          abuser: abuse.statuses,
          abuserRetryAfter: abuse.retryAfterSeconds,
        },
        broken: abuse.statuses[429] ? [] : ['the abuser was never limited'],
      };
    },
  });
}
