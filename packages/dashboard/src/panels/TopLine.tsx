import type { Stats } from '../api/readApi';
import { formatChange, formatCount, formatDuration, formatPercent } from '../format/figures';
import { useRead } from '../hooks/useRead';
import { statsPath, type StatsScope } from './statsScope';

interface Figure {
  label: string;
  value: (s: Stats) => number;
  show: (n: number) => string;
  change: (now: number, before: number) => string;
  /** The figure is an estimate (visitors over long ranges): shown with ≈. */
  estimated?: (s: Stats) => boolean;
}

const points = (now: number, before: number) => {
  const change = Math.round((now - before) * 100);
  return change > 0 ? `+${change} pts` : change < 0 ? `−${Math.abs(change)} pts` : '±0 pts';
};

const FIGURES: Figure[] = [
  { label: 'Visitors', value: (s) => s.visitors, show: formatCount, change: formatChange, estimated: (s) => s.visitorsApproximate === true },
  { label: 'Sessions', value: (s) => s.sessions, show: formatCount, change: formatChange },
  { label: 'Pageviews', value: (s) => s.pageviews, show: formatCount, change: formatChange },
  { label: 'Avg. session', value: (s) => s.averageSessionSeconds, show: formatDuration, change: formatChange },
  // A rate changes in points, not in percent of itself.
  { label: 'Bounce rate', value: (s) => s.bounceRate, show: formatPercent, change: points },
];

/** Visitors, sessions, pageviews, average duration and bounce rate, each against the previous period. */
export function TopLine({ scope }: { scope: StatsScope }) {
  const current = useRead<Stats>(statsPath('/v1/stats', scope));
  const previous = useRead<Stats>(statsPath('/v1/stats', scope, {}, scope.previous));
  if (current.error) return <p className="error" role="alert">{current.error.message}</p>;
  return (
    <section className="top-line" aria-label="Top line" aria-busy={current.loading}>
      {FIGURES.map((figure) => {
        const now = current.data ? figure.value(current.data) : undefined;
        const before = previous.data ? figure.value(previous.data) : undefined;
        return (
          <div className="figure" key={figure.label} data-figure={figure.label}>
            <span className="figure-label">{figure.label}</span>
            <span className="figure-value" title={current.data && figure.estimated?.(current.data) ? 'estimated: within about 2%' : undefined}>
              {now === undefined ? '…' : `${current.data && figure.estimated?.(current.data) ? '≈ ' : ''}${figure.show(now)}`}
            </span>
            {now !== undefined && before !== undefined && (
              <span className="figure-change" title={`previous period: ${figure.show(before)}`}>{figure.change(now, before)}</span>
            )}
          </div>
        );
      })}
    </section>
  );
}
