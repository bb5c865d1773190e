import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { SeriesPoint } from '../api/readApi';
import { formatCount } from '../format/figures';
import { useRead } from '../hooks/useRead';
import { statsPath, type StatsScope } from './statsScope';

const HEIGHT = 220;

/** Visitors, sessions and pageviews over time (uPlot), in the scope's time zone. */
export function SeriesChart({ scope }: { scope: StatsScope }) {
  const { data, error } = useRead<{ points: SeriesPoint[] }>(statsPath('/v1/stats/timeseries', scope, { interval: scope.range.interval }));
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current;
    if (!element || !data) return undefined;
    const { timeZone } = scope;
    const columns: uPlot.AlignedData = [
      data.points.map((p) => new Date(p.at).getTime() / 1000),
      data.points.map((p) => p.visitors),
      data.points.map((p) => p.sessions),
      data.points.map((p) => p.pageviews),
    ];
    const width = () => Math.max(240, element.clientWidth);
    const chart = new uPlot({
      width: width(),
      height: HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? formatCount(t) : '')) }],
      series: [
        {},
        { label: 'Visitors', stroke: '#2563eb', width: 2, fill: 'rgba(37, 99, 235, 0.08)' },
        { label: 'Sessions', stroke: '#0d9488', width: 1.5 },
        { label: 'Pageviews', stroke: '#9333ea', width: 1.5, dash: [4, 3] },
      ],
    }, columns, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [data, scope]);

  const total = data?.points.reduce((sum, p) => sum + p.sessions, 0);
  return (
    <section className="panel chart-panel" aria-labelledby="chart-title">
      <h2 id="chart-title">Over time <small>per {scope.range.interval}</small></h2>
      {error && <p className="error" role="alert">{error.message}</p>}
      <div ref={box} className="chart" role="img"
        aria-label={data ? `Chart of ${data.points.length} points per ${scope.range.interval}; ${total} sessions in the range` : 'Loading the chart'} />
    </section>
  );
}
