import { query, type StoredEvent } from '../api/readApi';
import { formatTime } from '../format/figures';
import { useRead } from '../hooks/useRead';

/** What an event was about, in a few words: its event name, page path or type. */
function describe(e: StoredEvent): string {
  if (e.type === 'track') return e.event ?? 'track';
  if (e.type === 'page' || e.type === 'screen') return e.context?.page?.path ?? e.name ?? e.context?.page?.url ?? e.type;
  return e.type;
}

/** Every event of one session, in order, with its time and properties (GET /v1/events?sessionId=). */
export function SessionTimeline({ sessionId, timeZone, onClose }: { sessionId: string; timeZone: string; onClose(): void }) {
  const { data, error, loading } = useRead<{ events: StoredEvent[]; next: string | null }>(`/v1/events${query({ sessionId, limit: 1000 })}`);
  return (
    <section className="panel timeline" aria-labelledby="timeline-title" aria-busy={loading}>
      <div className="panel-head">
        <h2 id="timeline-title">Session <code>{sessionId}</code></h2>
        <button type="button" onClick={onClose}>Close timeline</button>
      </div>
      {error && <p className="error" role="alert">{error.message}</p>}
      <ol className="event-list">
        {data?.events.map((e) => (
          <li key={e.messageId} data-type={e.type}>
            <time dateTime={e.timestamp}>{formatTime(e.timestamp, timeZone)}</time>
            <span className="event-type">{e.type}</span>
            <strong>{describe(e)}</strong>
            {(e.properties && Object.keys(e.properties).length > 0) || (e.traits && Object.keys(e.traits).length > 0) ? (
              <details>
                <summary>{e.type === 'identify' || e.type === 'group' ? 'traits' : 'properties'}</summary>
                <pre>{JSON.stringify(e.properties ?? e.traits, null, 2)}</pre>
              </details>
            ) : null}
          </li>
        ))}
      </ol>
      {data?.next && <p className="hint">Showing the first 1,000 events of this session.</p>}
    </section>
  );
}
