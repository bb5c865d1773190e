// Clients with the SDK's delivery semantics: every event waits in its client's queue until a 200 from
// the collector acknowledges it; failures (refused, reset, timeout, 5xx, 429) retry the same batch with
// backoff and full jitter, honouring Retry-After. Every answer is tallied for the scenario's figures.
import { randomUUID } from 'node:crypto';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `clients` senders against `url`. Each produces one event every `intervalMs` until `stop()`,
 * batching up to `batchSize` queued events per request. `drain(deadlineMs)` waits until every queue
 * is acknowledged (or the deadline passes) and resolves to the tally.
 */
export function startRetryingClients({
  url,
  writeKey,
  clients = 8,
  batchSize = 20,
  intervalMs = 10,
  requestTimeoutMs = 10_000,
  backoffMs = { min: 50, max: 1000 },
  // Retry-After is honoured up to this cap (scenarios in `pnpm test` keep it short; the figure is still counted).
  retryAfterCapMs = 60_000,
  clock = () => performance.now(),
}) {
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const tally = {
    generated: 0,
    acknowledged: 0,
    duplicates: 0,
    requests: 0,
    ok: 0,
    status: {},
    unavailableWithoutRetryAfter: 0,
    networkErrors: 0,
    networkErrorKinds: {},
    retryAfterSeconds: new Set(),
    latenciesMs: [],
    /** Every messageId generated, and those a 200 acknowledged: the ledger the database is checked against. */
    ids: [],
    acknowledgedIds: new Set(),
  };
  let producing = true;
  let stopped = false;

  function makeEvent(client) {
    const messageId = randomUUID();
    tally.generated++;
    tally.ids.push(messageId);
    return {
      type: 'track',
      event: 'Chaos Tap',
      messageId,
      anonymousId: `chaos-visitor-${client}`,
      timestamp: new Date().toISOString(),
      properties: { client },
      context: { sessionId: `chaos-session-${client}`, page: { path: '/chaos', url: 'http://chaos.test/chaos' } },
    };
  }

  async function send(batch) {
    tally.requests++;
    const started = clock();
    let res;
    try {
      res = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (err) {
      tally.networkErrors++;
      const kind = err?.cause?.code ?? err?.name ?? 'error';
      tally.networkErrorKinds[kind] = (tally.networkErrorKinds[kind] ?? 0) + 1;
      return { ok: false };
    }
    const text = await res.text().catch(() => '');
    tally.latenciesMs.push(clock() - started);
    tally.status[res.status] = (tally.status[res.status] ?? 0) + 1;
    if (res.status === 200) {
      let answer;
      try {
        answer = JSON.parse(text);
      } catch {
        return { ok: false };
      }
      // An acknowledgement is the collector's JSON, as the SDK checks.
      if (answer?.ok !== true || typeof answer.accepted !== 'number') return { ok: false };
      tally.ok++;
      return { ok: true, answer };
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    if (res.status === 503 || res.status === 429) {
      if (Number.isFinite(retryAfter) && retryAfter > 0) tally.retryAfterSeconds.add(retryAfter);
      else if (res.status === 503) tally.unavailableWithoutRetryAfter++;
    }
    return { ok: false, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
  }

  async function runClient(client) {
    const queue = [];
    let nextEventAt = clock();
    let failures = 0;
    while (!stopped) {
      if (producing) {
        for (; nextEventAt <= clock(); nextEventAt += intervalMs) queue.push(makeEvent(client));
      }
      if (queue.length === 0) {
        if (!producing) return;
        await sleep(Math.max(1, nextEventAt - clock()));
        continue;
      }
      const batch = queue.slice(0, batchSize);
      const result = await send(batch);
      if (result.ok) {
        failures = 0;
        queue.splice(0, batch.length);
        const rejected = new Set(result.answer.rejected.map((r) => r.index));
        batch.forEach((event, index) => {
          if (!rejected.has(index)) tally.acknowledgedIds.add(event.messageId);
        });
        tally.acknowledged += batch.length - rejected.size;
        tally.duplicates += result.answer.duplicates;
        continue;
      }
      failures++;
      const backoff = Math.random() * Math.min(backoffMs.max, backoffMs.min * 2 ** failures);
      await sleep(result.retryAfterMs === undefined ? backoff : Math.min(result.retryAfterMs, retryAfterCapMs));
    }
  }

  const running = Array.from({ length: clients }, (_, client) => runClient(client));
  return {
    tally,
    /** Stops producing new events; queued ones are still delivered. */
    stop() {
      producing = false;
    },
    /** Waits for every queue to be acknowledged, at most `deadlineMs`; resolves to the tally. */
    async drain(deadlineMs) {
      producing = false;
      const timer = setTimeout(() => (stopped = true), deadlineMs);
      await Promise.all(running);
      clearTimeout(timer);
      return tally;
    },
  };
}

/** The p-th percentile (0..100) of `values`, 0 when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
