import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups, SEGMENT_HOURS_KEPT, SWEEP_GAP_MS, type RollupPacing } from '../src/stats/refreshRollups';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const REFERRERS = ['https://www.google.com/', 'https://www.linkedin.com/', '', 'https://news.example/post'];
const PATHS = ['/', '/pricing', '/blog', '/docs'];

const DAY = 86_400_000;
/** Four days ago, midnight UTC: the visits fill three days up to yesterday, so the last two days are recent (their hours keep segments). */
const BASE = Math.floor(Date.now() / DAY) * DAY - 4 * DAY;
const at = (ms: number) => new Date(BASE + ms).toISOString();
/** A zone's offset from UTC at BASE, in ms (Europe/Paris: +1 or +2 hours). */
function offset(timeZone: string): number {
  const name = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' }).formatToParts(BASE).find((p) => p.type === 'timeZoneName')!.value;
  const [, sign, h, m] = /GMT([+-])(\d\d):(\d\d)/.exec(name) ?? [, '+', '00', '00'];
  return (sign === '-' ? -1 : 1) * (Number(h) * 3_600_000 + Number(m) * 60_000);
}

/** When each of the 60 visits starts: 71 minutes (and a few) apart from BASE, so each in an hour of its own. */
const VISIT_STARTS = Array.from({ length: 60 }, (_, i) => BASE + i * 71 * 60_000 + (i % 7) * 60_000);

/** Visits over three days, every few hours, some people coming back, some identified, some events outside any visit. */
function seed(): unknown[] {
  const batch: unknown[] = [];
  for (let i = 0; i < 60; i++) {
    const at = VISIT_STARTS[i] as number;
    const person = `anon-${i % 23}`;
    const pages = 1 + (i % 4);
    for (let p = 0; p < pages; p++) {
      batch.push({
        type: 'page', messageId: `v${i}-p${p}`, anonymousId: person, timestamp: new Date(at + p * 45_000).toISOString(),
        context: { sessionId: `s-${i}`, userAgent: UA, page: { path: PATHS[(i + p) % 4], url: `https://shop.example${PATHS[(i + p) % 4]}`, referrer: REFERRERS[i % 4] } },
      });
    }
    if (i % 3 === 0) {
      batch.push({ type: 'track', event: i % 2 ? 'Signup' : 'Download', messageId: `v${i}-t`, anonymousId: person,
        timestamp: new Date(at + 20_000).toISOString(), context: { sessionId: `s-${i}`, userAgent: UA, page: { path: '/' } } });
    }
    if (i % 5 === 0) {
      batch.push({ type: 'identify', messageId: `v${i}-id`, anonymousId: person, userId: `user-${i % 4}`,
        timestamp: new Date(at + 30_000).toISOString(), context: { sessionId: `s-${i}`, userAgent: UA } });
    }
    if (i % 9 === 0) {
      batch.push({ type: 'track', event: 'Invoice Paid', messageId: `server-${i}`, userId: `user-${i % 4}`, timestamp: new Date(at + 90_000).toISOString() });
    }
  }
  return batch;
}

const range = (from: number, to: number, tz?: string) => `from=${at(from)}&to=${at(to)}${tz ? `&tz=${tz}` : ''}`;
const RANGES = {
  exact: range(0, 3 * DAY),
  // Partial hours at both ends.
  ragged: range(5 * 3_600_000 + 17 * 60_000, 2 * DAY + 19 * 3_600_000 + 42 * 60_000),
  // Whole local days in the app's zone (the rolled-up days serve them).
  paris: range(-offset('Europe/Paris'), 3 * DAY - offset('Europe/Paris'), 'Europe/Paris'),
  // A zone whose hours are not whole.
  kolkata: range(-offset('Asia/Kolkata'), 3 * DAY - offset('Asia/Kolkata'), 'Asia/Kolkata'),
};
// One filter is read from its rolled-up segment; two, or a page, from the visits themselves.
const FILTERS = ['source=google', 'channel=direct', 'device=desktop', 'browser=Chrome&channel=social', 'page=/pricing'];
const BREAKDOWNS = ['page', 'entry', 'exit', 'channel', 'source', 'campaign', 'browser', 'os', 'device', 'event', 'endReason',
  'duration', 'eventsPerSession', 'hour'];
const FILTERED_BREAKDOWNS = ['page', 'entry', 'source', 'device', 'event', 'duration', 'hour'];

describe.each(backends())('dashboard rollups on %s', { timeout: 120_000 }, (backend) => {
  let c: TestCollector;
  const read = async (path: string) => {
    const res = await get(`${c.url}${path}`, bearer(c.secretKey));
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Every figure a dashboard reads, for every range. */
  const everything = async () => {
    const answers: Record<string, unknown> = {};
    const views = Object.entries(RANGES).flatMap(([name, range]): Array<[string, string]> => [[name, range], ...(name === 'ragged' || name === 'paris'
      ? FILTERS.map((filter): [string, string] => [`${name} ${filter}`, `${range}&${filter}`]) : [])]);
    for (const [name, range] of views) {
      const paths: Array<[string, string]> = [[`${name} stats`, `/v1/stats?${range}`],
        ...['hour', 'day'].map((interval): [string, string] => [`${name} series ${interval}`, `/v1/stats/timeseries?${range}&interval=${interval}`]),
        ...(name.includes('=') ? FILTERED_BREAKDOWNS : BREAKDOWNS)
          .map((by): [string, string] => [`${name} by ${by}`, `/v1/stats/breakdown?${range}&by=${by}&limit=50`])];
      // A view's requests at once, as the dashboard asks them.
      await Promise.all(paths.map(async ([label, path]) => { answers[label] = await read(path); }));
    }
    return answers;
  };
  /** The answers that differ, each with both values (an empty list when all agree). */
  const differences = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  const pending = async () => (await c.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM stats_pending'))[0]!.n;
  const rollUpAll = async (now = new Date()) => {
    while ((await refreshRollups(c.db, now, 7)).more);
    expect(await pending()).toBe(0);
  };

  beforeAll(async () => {
    // The job is run by hand here.
    c = await startTestCollector(backend, { app: { timezone: 'Europe/Paris' }, deps: { rollups: { firstAfterMs: 3_600_000, everyMs: 3_600_000 } } });
    const batch = seed();
    expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: batch.length, rejected: [] });
  });
  afterAll(() => c.close());

  it('answers the same from rollups as from the visits themselves, for partial hours, local days and any zone', async () => {
    expect(await pending()).toBeGreaterThan(0);
    const direct = await everything();
    expect((direct['exact stats'] as { sessions: number }).sessions).toBe(60);
    expect((direct['ragged source=google stats'] as { sessions: number }).sessions).toBeGreaterThan(5);
    // Rolled up at 09:00 UTC today at the latest: the visits end last evening, so the recent hours (those that keep
    // their segments) always hold some, whatever the time of day the test runs. Reads use segments no older than
    // the real clock allows, a subset of these.
    const rolledAt = Math.min(Date.now(), BASE + 4 * DAY + 9 * 3_600_000);
    await rollUpAll(new Date(rolledAt));
    const spans = await c.db.query<{ span: string; segmented: boolean; n: number }>(
      `SELECT span, segment <> '' AS segmented, count(DISTINCT bucket)::integer AS n FROM stats_rollups
       WHERE bucket >= $1 AND sessions > 0 GROUP BY 1, 2 ORDER BY 1, 2`, [at(-DAY)]);
    // Three local days in Paris hold the visits, one per segment too; each visit started in an hour of its own
    // (71 minutes apart); only the hours that start within the last SEGMENT_HOURS_KEPT keep their segments.
    expect(spans.filter((s) => s.span === 'day')).toEqual([{ span: 'day', segmented: false, n: 3 }, { span: 'day', segmented: true, n: 3 }]);
    expect(spans.find((s) => s.span === 'hour' && !s.segmented)!.n).toBeGreaterThanOrEqual(60);
    const recent = spans.find((s) => s.span === 'hour' && s.segmented)!.n;
    const hourOf = (t: number) => Math.floor(t / 3_600_000) * 3_600_000;
    expect(recent).toBe(VISIT_STARTS.filter((t) => hourOf(t) >= rolledAt - SEGMENT_HOURS_KEPT * 3_600_000).length);
    expect(recent).toBeGreaterThan(10);
    expect(recent).toBeLessThanOrEqual(48);
    expect(differences(await everything(), direct)).toEqual([]);
  });

  it('counts a late event in an hour already rolled up at once, and again the same once rolled up anew', async () => {
    await rollUpAll();
    const before = await read(`/v1/stats?${RANGES.exact}`);
    // A kiosk's late visit, two days back.
    const late = [{ type: 'page', messageId: 'late-1', anonymousId: 'kiosk-late', timestamp: at(DAY + 3 * 3_600_000 + 10 * 60_000),
      context: { sessionId: 'late', userAgent: UA, page: { path: '/kiosk' } } }];
    expect((await post(`${c.url}/v1/batch`, { batch: late, writeKey: c.writeKey })).body).toMatchObject({ accepted: 1 });
    expect(await pending()).toBeGreaterThan(0);
    const fresh = await everything();
    expect(fresh[`exact stats`]).toMatchObject({ sessions: before.sessions + 1, visitors: before.visitors + 1, pageviews: before.pageviews + 1 });
    await rollUpAll();
    expect(differences(await everything(), fresh)).toEqual([]);
  });

  it('re-counts the visits of someone identified later as that person', async () => {
    await rollUpAll();
    const before = await read(`/v1/stats?${RANGES.exact}`);
    const identify = [{ type: 'identify', messageId: 'late-identify', anonymousId: 'anon-1', userId: 'user-0', timestamp: at(2 * DAY + 23 * 3_600_000) }];
    expect((await post(`${c.url}/v1/batch`, { batch: identify, writeKey: c.writeKey })).body).toMatchObject({ accepted: 1 });
    await rollUpAll();
    const after = await read(`/v1/stats?${RANGES.exact}`);
    expect(after.visitors).toBe(before.visitors - 1);
    expect(after.visitorsApproximate).toBe(false);
  });

  it('paces itself under live traffic: leaves the hour going on to the readers, counts a changing hour at most once per gap', async () => {
    await rollUpAll();
    const now = new Date();
    const hourOf = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000);
    const lateHour = hourOf(Date.parse(at(DAY + 5 * 3_600_000)));
    const pendingIn = async (hour: Date) =>
      (await c.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM stats_pending WHERE hour = $1', [hour]))[0]!.n;
    const visit = (id: string, timestamp: string) => ({ type: 'page', messageId: id, anonymousId: `paced-${id}`, timestamp,
      context: { sessionId: `paced-${id}`, userAgent: UA, page: { path: '/paced' } } });
    const send = async (...batch: unknown[]) =>
      expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: batch.length });
    await send(visit('now', now.toISOString()), visit('late-a', lateHour.toISOString()));
    const pacing: RollupPacing = { minGapMs: 60_000, rolledAt: new Map() };
    await refreshRollups(c.db, now, 48, pacing);
    expect(await pendingIn(hourOf(now.getTime()))).toBeGreaterThan(0);
    expect(await pendingIn(lateHour)).toBe(0);
    const before = await read(`/v1/stats?${RANGES.exact}`);
    // The late hour changes again: counted from the visits by readers at once, rolled up again only after the gap.
    await send(visit('late-b', new Date(lateHour.getTime() + 60_000).toISOString()));
    await refreshRollups(c.db, new Date(now.getTime() + 59_000), 48, pacing);
    expect(await pendingIn(lateHour)).toBeGreaterThan(0);
    const fresh = await read(`/v1/stats?${RANGES.exact}`);
    expect(fresh.sessions).toBe(before.sessions + 1);
    await refreshRollups(c.db, new Date(now.getTime() + 60_000), 48, pacing);
    expect(await pendingIn(lateHour)).toBe(0);
    expect(await read(`/v1/stats?${RANGES.exact}`)).toEqual(fresh);
  });

  it('sweeps the apps for ended days at most once per gap when paced, not at every pass', async () => {
    await rollUpAll();
    const days = async () => (await c.db.query<{ n: number }>(
      "SELECT count(*)::integer AS n FROM stats_rollups WHERE span = 'day' AND segment = '' AND dim = 'total'"))[0]!.n;
    // Days that ended after their last change: no rows until a sweep rolls them up.
    const forgetDays = () => c.db.query("DELETE FROM stats_rollups WHERE span = 'day'");
    const pacing: RollupPacing = { minGapMs: 60_000, rolledAt: new Map() };
    const now = Date.now();
    await forgetDays();
    await refreshRollups(c.db, new Date(now), 48, pacing);
    expect(await days()).toBeGreaterThan(0);
    await forgetDays();
    await refreshRollups(c.db, new Date(now + 60_000), 48, pacing);
    expect(await days()).toBe(0);
    await refreshRollups(c.db, new Date(now + SWEEP_GAP_MS), 48, pacing);
    expect(await days()).toBeGreaterThan(0);
  });
});
