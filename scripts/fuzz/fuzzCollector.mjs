// Runs a fuzz against a collector and checks it exactly: no 5xx; each answer's counts match what its
// events deserve; every valid event stored once; every other one rejected and in the dead-letter store.
import { fuzzRequests } from './requests.mjs';

async function readAll(url, secretKey, path, field) {
  const rows = [];
  let after = null;
  for (;;) {
    const res = await fetch(`${url}${path}?limit=1000${after ? `&after=${after}` : ''}`, { headers: { Authorization: `Bearer ${secretKey}` } });
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    const page = await res.json();
    rows.push(...page[field]);
    if (!page.next) return rows;
    after = page.next;
  }
}

/**
 * `apps`: [{ writeKey, secretKey }], each fresh. Resolves to the run's figures; `problems` lists the
 * first mismatches found (empty when the collector kept every promise).
 */
export async function fuzzCollector({ url, apps, seed = 1, requests: count = 300, wave = 16 }) {
  const requests = fuzzRequests({ seed, count, apps, wave });
  const problems = [];
  const note = (problem) => { if (problems.length < 20) problems.push(problem); };
  const statuses = {};
  const latencies = [];
  const expectedKept = apps.map(() => 0);
  for (let start = 0; start < requests.length; start += wave) {
    await Promise.all(requests.slice(start, start + wave).map(async (request, offset) => {
      const began = performance.now();
      const res = await fetch(`${url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
      latencies.push(performance.now() - began);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const answer = await res.json().catch(() => null);
      const where = `request ${start + offset} (${request.path.split('?')[0]})`;
      if (res.status !== request.expect.status) return note(`${where}: status ${res.status}, expected ${request.expect.status}: ${JSON.stringify(answer)}`);
      if (res.status !== 200) {
        expectedKept[request.app]++;
        return;
      }
      const items = request.expect.items;
      const want = {
        accepted: items.filter((i) => i.verdict === 'store').length,
        duplicates: items.filter((i) => i.verdict === 'duplicate').length,
        rejected: items.flatMap((i, index) => (i.verdict === 'reject' ? [index] : [])),
      };
      expectedKept[request.app] += want.rejected.length;
      const got = { accepted: answer.accepted, duplicates: answer.duplicates, rejected: answer.rejected.map((r) => r.index) };
      if (JSON.stringify(got) !== JSON.stringify(want)) note(`${where}: answered ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (${JSON.stringify(answer.rejected.map((r) => r.error))})`);
    }));
  }

  let lost = 0;
  let doubled = 0;
  let unexpected = 0;
  let stored = 0;
  let keptEntries = 0;
  for (const [index, app] of apps.entries()) {
    const events = await readAll(url, app.secretKey, '/v1/events', 'events');
    stored += events.length;
    const counts = new Map();
    for (const event of events) counts.set(event.context?.fuzz, (counts.get(event.context?.fuzz) ?? 0) + 1);
    const deserved = new Set(requests.filter((r) => r.app === index && r.expect.status === 200)
      .flatMap((r) => r.expect.items.filter((i) => i.verdict === 'store').map((i) => i.tag)));
    for (const tag of deserved) {
      const n = counts.get(tag) ?? 0;
      if (n === 0) { lost++; note(`app ${index}: event ${tag} deserved to be stored but is not`); }
      if (n > 1) { doubled++; note(`app ${index}: event ${tag} is stored ${n} times`); }
    }
    for (const tag of counts.keys()) if (!deserved.has(tag)) { unexpected++; note(`app ${index}: event ${tag} is stored but should not be`); }
    const kept = await readAll(url, app.secretKey, '/v1/rejected', 'rejected');
    keptEntries += kept.length;
    if (kept.length !== expectedKept[index]) note(`app ${index}: the dead-letter store holds ${kept.length} entries, expected ${expectedKept[index]}`);
  }
  latencies.sort((a, b) => a - b);
  const events = requests.reduce((n, r) => n + r.expect.items.length, 0);
  return {
    requests: requests.length,
    statuses,
    responses5xx: Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0),
    events,
    stored,
    deadLettered: keptEntries,
    lost,
    doubled,
    unexpected,
    p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
    problems,
  };
}
