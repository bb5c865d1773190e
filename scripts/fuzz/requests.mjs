// Builds a fuzz run: requests over every ingest path, each event tagged (context.fuzz) with the verdict
// the collector must reach, so the run can be checked exactly afterwards.
import { DEEP_MARKER, MUTATIONS } from './mutations.mjs';
import { seeded } from './random.mjs';

const TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'];

function baseEvent(type, tag, r) {
  const event = {
    type,
    messageId: `fz-${tag}`,
    anonymousId: `anon-${r.int(50)}`,
    timestamp: new Date(Date.now() - r.int(3_600_000)).toISOString(),
    context: { fuzz: tag, page: { url: `https://fuzz.example/p/${r.int(20)}`, path: `/p/${r.int(20)}` } },
  };
  if (type === 'track') Object.assign(event, { event: `Fuzz ${r.int(10)}`, properties: { n: r.int(1000) } });
  if (type === 'page' || type === 'screen') Object.assign(event, { name: `Screen ${r.int(10)}`, properties: { n: r.int(1000) } });
  if (type === 'identify') Object.assign(event, { userId: `u-${r.int(30)}`, traits: { plan: 'pro' } });
  if (type === 'group') Object.assign(event, { groupId: `g-${r.int(5)}`, traits: { size: 3 } });
  if (type === 'alias') Object.assign(event, { userId: `u-${r.int(30)}`, previousId: `anon-${r.int(50)}` });
  return event;
}

/** JSON text of a value whose deep markers become objects nested that deep (too deep for JSON.stringify). */
function textOf(value) {
  return JSON.stringify(value).replace(/"__deep_(\d+)__"/g, (_, depth) => `${'{"d":'.repeat(Number(depth) - 1)}{"leaf":1}${'}'.repeat(Number(depth) - 1)}`);
}

/**
 * `count` requests for `apps` (an app is { writeKey }), sent in waves of `wave` (a re-sent event always
 * comes from an earlier wave, so each answer's counts are exact). Each request: { app, path, headers,
 * body (text), expect: { status, items: [{ tag, verdict: 'store'|'reject'|'duplicate' }] } }.
 */
export function fuzzRequests({ seed, count, apps, wave }) {
  const r = seeded(seed);
  const requests = [];
  const stored = apps.map(() => []); // per app: { event, wave } of valid events with a messageId
  let tag = 0;
  for (let i = 0; i < count; i++) {
    const appIndex = i % apps.length;
    const { writeKey } = apps[appIndex];
    const currentWave = Math.floor(i / wave);
    const kind = r.pick(['batch', 'batch', 'b', 'beacon', 'single', 'short', 'webhook', 'webhookArray']);
    const single = kind === 'single' || kind === 'short' || kind === 'webhook';
    const size = single ? 1 : 1 + r.int(6);
    const items = [];
    const expected = [];
    for (let k = 0; k < size; k++) {
      const earlier = stored[appIndex].filter((s) => s.wave < currentWave);
      if (earlier.length > 0 && r.chance(0.08)) {
        const again = r.pick(earlier).event;
        // On a path named for a type, the copy is the request's only event (the path follows its type).
        if (!single || items.length === 0) {
          items.push(structuredClone(again));
          expected.push({ tag: again.context.fuzz, verdict: 'duplicate' });
          continue;
        }
      }
      const type = single && items.length > 0 ? items[0].type : r.pick(TYPES);
      const id = `${seed}-${tag++}`;
      let event = baseEvent(type, id, r);
      let verdict = 'store';
      if (r.chance(0.6)) {
        const candidates = MUTATIONS.filter((m) => (!m.types || m.types.includes(type)) && !(m.batchOnly && single));
        const mutation = r.pick(candidates);
        verdict = mutation.verdict;
        if (mutation.replace) event = mutation.replace(r);
        else mutation.apply(event, r);
      }
      items.push(event);
      expected.push({ tag: id, verdict });
      if (verdict === 'store' && typeof event.messageId === 'string') stored[appIndex].push({ event, wave: currentWave });
    }
    // A few bodies cannot be read at all: refused whole (400) and kept for their app.
    const broken = r.chance(0.03) ? r.pick(['json', 'shape']) : null;
    const sentAt = r.chance(0.5) ? new Date().toISOString() : r.pick([undefined, null]);
    let path;
    let headers = { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` };
    let body;
    const type = items[0]?.type;
    const typedPath = typeof type === 'string' && TYPES.includes(type.toLowerCase()) ? type.toLowerCase() : 'track';
    switch (kind) {
      case 'batch': path = '/v1/batch'; body = textOf({ batch: items, sentAt, context: null }); break;
      // analytics-next's batches: the key both in the body and as Basic auth, text/plain.
      case 'b': path = '/v1/b'; body = textOf({ batch: items, sentAt, writeKey }); headers['Content-Type'] = 'text/plain'; break;
      case 'beacon': path = `/beacon/v1/batch?writeKey=${writeKey}`; body = textOf({ batch: items, sentAt }); headers = { 'Content-Type': 'text/plain;charset=UTF-8' }; break;
      case 'single': path = `/v1/${typedPath}`; body = textOf(items[0]); break;
      case 'short': path = `/v1/${typedPath[0]}`; body = textOf(items[0]); headers['Content-Type'] = 'text/plain'; break;
      case 'webhook': path = `/v1/webhook/segment?writeKey=${writeKey}`; body = textOf(items[0]); break;
      default: path = `/v1/webhook/segment?writeKey=${writeKey}`; body = textOf(items); break;
    }
    if (broken === 'json') body = body.slice(0, Math.max(1, body.length - 7));
    if (broken === 'shape' && (kind === 'batch' || kind === 'beacon')) body = JSON.stringify({ batch: { not: 'an array' } });
    const whole = broken === 'json' || (broken === 'shape' && (kind === 'batch' || kind === 'beacon'));
    if (whole) {
      // Nothing of it is stored; what an earlier wave may re-send from it was never stored either.
      for (const e of expected) if (e.verdict === 'store') stored[appIndex] = stored[appIndex].filter((s) => s.event.context?.fuzz !== e.tag);
    }
    requests.push({
      app: appIndex,
      path,
      headers,
      body,
      expect: whole ? { status: 400, items: [] } : { status: 200, items: expected },
    });
  }
  return requests;
}
