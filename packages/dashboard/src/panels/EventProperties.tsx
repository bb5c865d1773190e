import { query, type StoredEvent } from '../api/readApi';
import { formatTime } from '../format/figures';
import { useRead } from '../hooks/useRead';
import type { StatsScope } from './statsScope';

/** The first occurrences of one event in the range with their properties (shown once an event filter is set). */
export function EventProperties({ event, scope }: { event: string; scope: StatsScope }) {
  const { data, error } = useRead<{ events: StoredEvent[] }>(`/v1/events${query({
    event, type: 'track', from: scope.range.from.toISOString(), to: scope.range.to.toISOString(), limit: 20,
  })}`);
  return (
    <section className="panel" aria-labelledby="event-properties-title">
      <h2 id="event-properties-title">“{event}”: properties <small>(first 20 in the range)</small></h2>
      {error && <p className="error" role="alert">{error.message}</p>}
      <ul className="event-list">
        {data?.events.map((e) => (
          <li key={e.messageId}>
            <time dateTime={e.timestamp}>{formatTime(e.timestamp, scope.timeZone)}</time>
            <code>{JSON.stringify(e.properties ?? {})}</code>
          </li>
        ))}
        {data?.events.length === 0 && <li className="empty">No occurrence in this range.</li>}
      </ul>
    </section>
  );
}
