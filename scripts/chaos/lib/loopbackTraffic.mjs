// Traffic for the abuse scenarios, on loopback only: each party sends from its own 127.x address (Linux
// routes all of 127/8 to lo), so the collector sees an abuser and a visitor as two clients.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import { percentile } from './retryingClients.mjs';

/** POSTs `body` (a string) from `localAddress`; resolves to the status, Retry-After and milliseconds taken. */
export function postFrom({ url, path, body, localAddress, agent, headers = {}, timeoutMs = 10_000 }) {
  const target = new URL(path, url);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        localAddress,
        agent,
        timeout: timeoutMs,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], ms: performance.now() - started }));
      },
    );
    // A refused or reset request is an answer too: the scenario reports it instead of dying on it.
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (err) => resolve({ status: err.code ?? err.message, ms: performance.now() - started }));
    req.end(body);
  });
}

/** Runs `send(i)` for i < count, `concurrency` at a time, stopping early at `deadlineMs`; tallies statuses. */
export async function flood({ count, concurrency, deadlineMs, send }) {
  const statuses = {};
  const retryAfter = new Set();
  let next = 0;
  const stopAt = performance.now() + deadlineMs;
  const worker = async () => {
    while (next < count && performance.now() < stopAt) {
      const answer = await send(next++);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.retryAfter) retryAfter.add(answer.retryAfter);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sent: next, statuses, retryAfterSeconds: [...retryAfter] };
}

/**
 * `flood` in a worker thread (see floodWorker.mjs): from `localAddresses` in turn, either `body` every
 * time or a new `uniqueKeyBytes`-long write key each time; resolves to the tally and the seconds taken.
 */
export function floodInWorker(options) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./floodWorker.mjs', import.meta.url), { workerData: options });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the flood worker exited (${code}) before it reported`)));
  });
}

/** The resident set size of a process, in MB (Linux /proc). */
export function rssMb(pid) {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** Samples a process's RSS every `everyMs` until `stop()`, which resolves to the peak seen. */
export function watchRss(pid, everyMs = 100) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // the process is gone: the scenario reports that on its own
    }
  }, everyMs);
  return { stop: () => (clearInterval(timer), peak) };
}

/**
 * A legitimate visitor of the app: one valid batch every `everyMs` from `localAddress` (one at a time,
 * as the SDK sends), until `stop()`, which resolves to its statuses and latency percentiles.
 */
export function startVisitor({ url, writeKey, localAddress = '127.0.0.1', everyMs = 50, maxRequests = 2000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const statuses = {};
  const latencies = [];
  let running = true;
  const done = (async () => {
    while (running && latencies.length < maxRequests) {
      const body = JSON.stringify({
        writeKey,
        batch: [{ type: 'track', event: 'Visited', messageId: randomUUID(), anonymousId: 'visitor-1', timestamp: new Date().toISOString() }],
      });
      const answer = await postFrom({ url, path: '/v1/batch', body, localAddress, agent });
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      latencies.push(answer.ms);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      agent.destroy();
      return {
        requests: latencies.length,
        statuses,
        p50Ms: Math.round(percentile(latencies, 50)),
        p99Ms: Math.round(percentile(latencies, 99)),
        maxMs: Math.round(Math.max(...latencies)),
      };
    },
  };
}
