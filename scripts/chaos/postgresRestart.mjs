// PostgreSQL restarted (pg_ctl -m immediate) under load: the collector stays up, answers 503 with
// Retry-After while the database is down, and every acknowledged event is stored once afterwards.
import { sleep, underLoad } from './lib/underLoad.mjs';

export const name = 'PostgreSQL restarted under load';

const healthy = (url) => fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((res) => res.ok, () => false);

async function activeUsers(url, writeKey) {
  const res = await fetch(`${url}/v1/active?writeKey=${encodeURIComponent(writeKey)}`, { signal: AbortSignal.timeout(5000) });
  return res.ok ? (await res.json()).activeUsers : `HTTP ${res.status}`;
}

/** The database is crashed `restarts` times during `loadMs`, down for `downMs` each time. */
export function run({ restarts = 2, downMs = 2000, ...load } = {}) {
  const downAnswers = { 503: 0, other: 0 };
  const healthyAfterMs = [];
  const firstAcceptedAfterMs = [];
  return underLoad({
    ...load,
    times: restarts,
    async disrupt({ cluster, load: clients, collector }) {
      await cluster.stop('immediate');
      const before = { ...clients.tally.status };
      await sleep(downMs);
      for (const [status, n] of Object.entries(clients.tally.status)) {
        const during = n - (before[status] ?? 0);
        if (status === '503') downAnswers[503] += during;
        else downAnswers.other += during;
      }
      if (collector().exit()) throw new Error(`the collector exited while the database was down:\n${collector().output()}`);
      const okBefore = clients.tally.ok;
      await cluster.start();
      const upAt = performance.now();
      // Recovery, with nothing done to the collector: /healthz answers 200, then the clients (waiting out
      // their Retry-After) get their first 200.
      while (!(await healthy(collector().url)) && performance.now() - upAt < 30_000) await sleep(10);
      healthyAfterMs.push(Math.round(performance.now() - upAt));
      while (clients.tally.ok === okBefore && performance.now() - upAt < 30_000) await sleep(10);
      firstAcceptedAfterMs.push(Math.round(performance.now() - upAt));
    },
    finish: async ({ collector, writeKey }, tally) => ({
      restarts,
      downMs,
      answersWhileDown: downAnswers,
      unavailableWithoutRetryAfter: tally.unavailableWithoutRetryAfter,
      retryAfterSeconds: [...tally.retryAfterSeconds],
      healthyAfterMs,
      firstAcceptedAfterMs,
      activeUsersAfter: await activeUsers(collector().url, writeKey),
      collectorExited: collector().exit() !== undefined,
    }),
  });
}
