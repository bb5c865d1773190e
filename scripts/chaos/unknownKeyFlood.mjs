// 3,000 requests with a new 400 KB write key each (issue 10 #5: they once took the collector from 124 MB
// to 1.4 GB): malformed keys are refused before any lookup and nothing of them is kept, and the address
// that keeps sending them gets 429.
import { floodInWorker } from './lib/loopbackTraffic.mjs';
import { underAbuse } from './lib/underAbuse.mjs';

export const name = 'a flood of unknown 400 KB write keys';

export function run({ command, keys = 3000, keyBytes = 400 * 1024, addresses = 150, oneAddressKeys = 500, concurrency = 8 } = {}) {
  return underAbuse({
    command,
    // The documented defaults: 1,000 requests a second per app, 100 per address, 20 failed key checks per address.
    env: { HEADCOUNT_RATE_LIMIT: '1000' },
    async abuse({ url }) {
      // Spread over many addresses, no address passes its 401 budget: every key reaches the key check.
      const spread = await floodInWorker({
        url,
        path: '/v1/batch',
        count: keys,
        concurrency,
        deadlineMs: 180_000,
        localAddresses: Array.from({ length: addresses }, (_, i) => `127.0.1.${i + 1}`),
        uniqueKeyBytes: keyBytes,
      });
      // From one address: after its burst of failures, 429 with Retry-After.
      const oneAddress = await floodInWorker({
        url,
        path: '/v1/batch',
        count: oneAddressKeys,
        concurrency,
        deadlineMs: 60_000,
        localAddresses: ['127.0.0.2'],
        uniqueKeyBytes: keyBytes,
        firstKey: keys,
      });
      const broken = [];
      if (spread.statuses[401] !== spread.sent) broken.push(`spread keys were not all 401: ${JSON.stringify(spread.statuses)}`);
      if (!oneAddress.statuses[429]) broken.push('one address flooding unknown keys never got 429');
      return {
        figures: {
          keys: spread.sent,
          keyBytes,
          floodMBps: Math.round((spread.sent * keyBytes) / 1024 / 1024 / spread.seconds),
          spreadOverAddresses: spread.statuses,
          fromOneAddress: oneAddress.statuses,
          oneAddressRetryAfter: oneAddress.retryAfterSeconds,
        },
        broken,
      };
    },
  });
}
