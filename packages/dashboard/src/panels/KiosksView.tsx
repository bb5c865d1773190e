import type { BreakdownRow } from '../api/readApi';
import { formatCount } from '../format/figures';
import { useRead } from '../hooks/useRead';
import { statsPath, type StatsScope } from './statsScope';

interface Distribution { by: string; title: string; label: (key: string | null) => string; note: string }

const DISTRIBUTIONS: Distribution[] = [
  { by: 'hour', title: 'Sessions per hour of day', label: (key) => `${String(key).padStart(2, '0')}:00`, note: 'when visits start, in the chosen time zone' },
  { by: 'duration', title: 'Session duration', label: (key) => key ?? '', note: 'first to last activity' },
  { by: 'endReason', title: 'End reasons', label: (key) => key ?? 'not ended', note: 'idle, manual, max_duration, reset, new_source' },
  { by: 'eventsPerSession', title: 'Events per session', label: (key) => key ?? '', note: 'every stored event of the visit' },
];

/** What a kiosk or touch table owner asks: when people come, how long they stay, how visits end. */
export function KiosksView({ scope }: { scope: StatsScope }) {
  return (
    <div className="grid">
      {DISTRIBUTIONS.map((d) => <DistributionPanel key={d.by} distribution={d} scope={scope} />)}
    </div>
  );
}

function DistributionPanel({ distribution, scope }: { distribution: Distribution; scope: StatsScope }) {
  const { data, error, loading } = useRead<{ rows: BreakdownRow[] }>(statsPath('/v1/stats/breakdown', scope, { by: distribution.by, limit: 50 }));
  const rows = data?.rows ?? [];
  const max = Math.max(1, ...rows.map((row) => row.sessions));
  const id = `kiosk-${distribution.by}`;
  return (
    <section className="panel" aria-labelledby={id} data-panel={distribution.title}>
      <h2 id={id}>{distribution.title} <small>{distribution.note}</small></h2>
      {error && <p className="error" role="alert">{error.message}</p>}
      <table className="breakdown distribution" aria-busy={loading} data-by={distribution.by}>
        <thead><tr><th scope="col">{distribution.title}</th><th scope="col" className="num">Sessions</th></tr></thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key ?? '(none)'} data-key={row.key ?? '(none)'}>
              <td className="bar-cell">
                <span className="bar" style={{ width: `${(row.sessions / max) * 100}%` }} aria-hidden="true" />
                <span className="row-label">{distribution.label(row.key)}</span>
              </td>
              <td className="num">{formatCount(row.sessions)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
