// The abuser's side of a flood, in a worker thread of its own, so the visitor measured in the main
// thread never waits behind the abuser's callbacks: its latency is the collector's, not the load generator's.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { flood, postFrom } from './loopbackTraffic.mjs';

const { url, path, count, concurrency, deadlineMs, localAddresses, body, uniqueKeyBytes = 0, firstKey = 0 } = workerData;
const padding = 'k'.repeat(uniqueKeyBytes);
const agents = new Map(localAddresses.map((address) => [address, new http.Agent({ keepAlive: true, maxSockets: concurrency })]));
const started = performance.now();
const tally = await flood({
  count,
  concurrency,
  deadlineMs,
  send: (i) => {
    const localAddress = localAddresses[i % localAddresses.length];
    // Either one body throughout, or a new write key (its number first) of `uniqueKeyBytes` each time.
    const payload = body ?? `{"writeKey":"${firstKey + i}-${padding}","batch":[]}`;
    return postFrom({ url, path, body: payload, localAddress, agent: agents.get(localAddress) });
  },
});
for (const agent of agents.values()) agent.destroy();
parentPort.postMessage({ ...tally, seconds: (performance.now() - started) / 1000 });
