// 8,000 live streams at once (issue 10 #8: they once took 8,032 file descriptors from one address):
// one address is held to its cap with a clear 429, and many addresses within their caps hold theirs.
import { openStreams } from './lib/openStreams.mjs';
import { underAbuse } from './lib/underAbuse.mjs';

export const name = 'a flood of 8,000 live streams';

const PER_ADDRESS = 100; // the documented default cap

export function run({ command, streams = 8000, spreadAddresses = 40 } = {}) {
  return underAbuse({
    command,
    env: { HEADCOUNT_RATE_LIMIT: '1000' },
    async abuse({ url, writeKey }) {
      const oneAddress = await openStreams({ url, writeKey, count: streams, concurrency: 200, localAddresses: ['127.0.0.2'] });
      const addresses = Array.from({ length: spreadAddresses }, (_, i) => `127.0.1.${i + 1}`);
      const spread = await openStreams({ url, writeKey, count: spreadAddresses * PER_ADDRESS, concurrency: 200, localAddresses: addresses });
      // Held open together for a while, as the visitor keeps sending.
      await new Promise((r) => setTimeout(r, 2000));
      oneAddress.close();
      spread.close();
      const broken = [];
      if (oneAddress.open > PER_ADDRESS) broken.push(`one address held ${oneAddress.open} streams (cap ${PER_ADDRESS})`);
      if (!oneAddress.statuses[429]) broken.push('one address past its cap never got 429');
      if (spread.open !== spreadAddresses * PER_ADDRESS) broken.push(`only ${spread.open} streams within the caps opened`);
      return {
        figures: { fromOneAddress: oneAddress.statuses, openFromOneAddress: oneAddress.open, spreadOverAddresses: spread.statuses, openTogether: oneAddress.open + spread.open },
        broken,
      };
    },
  });
}
