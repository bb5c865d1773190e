// Live streams held open from loopback addresses, for the stream-flood scenario.
import http from 'node:http';

/**
 * Opens `count` SSE streams of `writeKey`, `concurrency` at a time, from `localAddresses` in turn.
 * Resolves to the tally of answers (`200` for a stream that opened) and `close()` for the open ones.
 */
export async function openStreams({ url, writeKey, count, concurrency, localAddresses }) {
  const target = new URL(`/v1/active/stream?writeKey=${writeKey}`, url);
  const open = [];
  const statuses = {};
  let next = 0;
  const connect = (i) => new Promise((resolve) => {
    const req = http.get({
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      localAddress: localAddresses[i % localAddresses.length],
      agent: false,
      timeout: 15_000,
    }, (res) => {
      // A stream that opened stays open (its first event read and the rest drained); a refusal is read and done.
      res.resume();
      if (res.statusCode === 200) open.push(req);
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (err) => resolve(err.code ?? err.message));
  });
  const worker = async () => {
    while (next < count) {
      const status = await connect(next++);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { statuses, open: open.length, close: () => open.forEach((req) => req.destroy()) };
}
