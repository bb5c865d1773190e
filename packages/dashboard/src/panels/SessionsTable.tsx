import type { Session } from '../api/readApi';
import { formatDuration, formatTime } from '../format/figures';

/** Sessions as rows; a row's button opens its timeline. */
export function SessionsTable({ sessions, timeZone, onOpen, caption }: { sessions: Session[]; timeZone: string; onOpen(id: string): void; caption: string }) {
  return (
    <div className="table-scroll">
      <table className="sessions">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Started</th><th scope="col">Visitor</th><th scope="col">Source</th><th scope="col">Landing</th>
            <th scope="col">Device</th><th scope="col" className="num">Duration</th><th scope="col" className="num">Events</th><th scope="col">End</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} data-session={s.id}>
              <td><button type="button" className="row-filter" onClick={() => onOpen(s.id)} aria-label={`Open the timeline of session ${s.id}`}>
                {formatTime(s.startedAt, timeZone)}</button></td>
              <td>{s.userId ?? s.anonymousId ?? ''}</td>
              <td>{[s.referrer?.type ?? 'direct', s.referrer?.source, s.campaign?.name].filter(Boolean).join(' · ')}</td>
              <td>{s.landingPage ? pathOf(s.landingPage) : ''}</td>
              <td>{[s.device?.type, s.device?.browser, s.device?.os].filter(Boolean).join(' · ')}</td>
              <td className="num">{formatDuration(s.durationSeconds)}</td>
              <td className="num">{s.eventCount}</td>
              <td>{s.endReason ?? (s.endedAt ? 'ended' : 'open')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
