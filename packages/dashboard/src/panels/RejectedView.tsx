import { query } from '../api/readApi';
import { formatTime } from '../format/figures';
import { useRead } from '../hooks/useRead';

interface Rejected { receivedAt: string; code: string; message: string; body: unknown }

/** The dead-letter store: events the collector could not accept, kept as sent, so a broken integration shows. */
export function RejectedView({ timeZone }: { timeZone: string }) {
  const { data, error, loading } = useRead<{ rejected: Rejected[]; next: string | null }>(`/v1/rejected${query({ limit: 100 })}`);
  return (
    <section className="panel" aria-labelledby="rejected-title" aria-busy={loading}>
      <h2 id="rejected-title">Rejected events <small>kept 30 days; replay them with <code>headcount rejected replay</code></small></h2>
      {error && <p className="error" role="alert">{error.message}</p>}
      {data?.rejected.length === 0 && <p className="empty">Nothing rejected: every event sent was accepted.</p>}
      <ol className="event-list">
        {data?.rejected.map((r, i) => (
          <li key={`${r.receivedAt}-${i}`} data-code={r.code}>
            <time dateTime={r.receivedAt}>{formatTime(r.receivedAt, timeZone)}</time>
            <span className="event-type">{r.code}</span>
            <span>{r.message}</span>
            <details><summary>body</summary><pre>{typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2)}</pre></details>
          </li>
        ))}
      </ol>
      {data?.next && <p className="hint">Showing the first 100; `headcount rejected list` prints them all.</p>}
    </section>
  );
}
