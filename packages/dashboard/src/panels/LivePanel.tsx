import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { query, type AppSummary, type SeriesPoint } from '../api/readApi';
import { useRead } from '../hooks/useRead';

const SPARK_MINUTES = 30;
const SPARK_REFRESH_MS = 60_000;

interface ActivePage { path: string; activeUsers: number }

/** The live count (SSE, the public write-key endpoints), the pages people are on, and the last 30 minutes. */
export function LivePanel({ app, timeZone }: { app: AppSummary; timeZone: string }) {
  const [count, setCount] = useState<number | undefined>();
  const [pages, setPages] = useState<ActivePage[]>([]);
  const [status, setStatus] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');

  useEffect(() => {
    const key = query({ writeKey: app.writeKey });
    let pagesRequest: AbortController | undefined;
    const loadPages = () => {
      pagesRequest?.abort();
      pagesRequest = new AbortController();
      fetch(`/v1/active/pages${key}`, { signal: pagesRequest.signal, cache: 'no-store' })
        .then((res) => (res.ok ? res.json() : { pages: [] }))
        .then((body: { pages: ActivePage[] }) => setPages(body.pages))
        .catch(() => {});
    };
    const stream = new EventSource(`/v1/active/stream${key}`);
    stream.addEventListener('active', (message) => {
      const body = JSON.parse((message as MessageEvent<string>).data) as { activeUsers: number };
      setCount(body.activeUsers);
      setStatus('live');
      loadPages();
    });
    stream.onerror = () => setStatus('reconnecting');
    return () => {
      stream.close();
      pagesRequest?.abort();
    };
  }, [app.writeKey]);

  return (
    <section className="panel live" aria-labelledby="live-title">
      <h2 id="live-title">Live <span className={`dot ${status}`} aria-label={status} /></h2>
      <p className="live-count" aria-live="polite"><strong data-live-count>{count ?? '…'}</strong> {count === 1 ? 'visitor' : 'visitors'} now</p>
      <Sparkline timeZone={timeZone} />
      {pages.length > 0 && (
        <ul className="live-pages" aria-label="Pages people are on now">
          {pages.slice(0, 8).map((page) => <li key={page.path}><span>{page.path}</span><span className="num">{page.activeUsers}</span></li>)}
        </ul>
      )}
    </section>
  );
}

/** Visitors per minute over the last 30 minutes, refreshed each minute. */
function Sparkline({ timeZone }: { timeZone: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), SPARK_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const to = new Date(Math.ceil(now / 60_000) * 60_000);
  const from = new Date(to.getTime() - SPARK_MINUTES * 60_000);
  const { data } = useRead<{ points: SeriesPoint[] }>(
    `/v1/stats/timeseries${query({ from: from.toISOString(), to: to.toISOString(), interval: 'minute', tz: timeZone })}`);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || !data) return undefined;
    const chart = new uPlot({
      width: 220, height: 40, legend: { show: false }, cursor: { show: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
      axes: [{ show: false }, { show: false }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      series: [{}, { stroke: '#2563eb', fill: 'rgba(37, 99, 235, 0.15)', width: 1.5 }],
    }, [data.points.map((p) => new Date(p.at).getTime() / 1000), data.points.map((p) => p.visitors)], box.current);
    return () => chart.destroy();
  }, [data, timeZone]);
  const total = data?.points.reduce((sum, p) => sum + p.sessions, 0) ?? 0;
  return <div ref={box} className="sparkline" role="img" aria-label={`${total} sessions started in the last ${SPARK_MINUTES} minutes`} />;
}
