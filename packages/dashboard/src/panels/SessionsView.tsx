import { useEffect, useState } from 'react';
import { query, type Session } from '../api/readApi';
import { useRead } from '../hooks/useRead';
import type { Filters } from '../state/viewState';
import { SessionsTable } from './SessionsTable';
import { SessionTimeline } from './SessionTimeline';
import type { StatsScope } from './statsScope';

/** Session-level filters the list can apply to what it shows (page and event filters need the events). */
function matches(session: Session, filters: Filters): boolean {
  const checks: Array<[string | undefined, string | null | undefined]> = [
    [filters.channel, session.referrer?.type ?? 'direct'],
    [filters.source, session.referrer?.source],
    [filters.campaign, session.campaign?.name],
    [filters.device, session.device?.type],
    [filters.browser, session.device?.browser],
    [filters.os, session.device?.os],
  ];
  return checks.every(([wanted, actual]) => wanted === undefined || wanted === actual);
}

interface Props { scope: StatsScope; session: string | undefined; onOpen(id: string | undefined): void }

/** The range's sessions, page by page, and one session's timeline. */
export function SessionsView({ scope, session, onOpen }: Props) {
  const [after, setAfter] = useState<string | undefined>();
  const [loaded, setLoaded] = useState<Session[]>([]);
  const from = scope.range.from.toISOString();
  const to = scope.range.to.toISOString();
  useEffect(() => {
    setAfter(undefined);
    setLoaded([]);
  }, [from, to]);
  const { data, error, loading } = useRead<{ sessions: Session[]; next: string | null }>(`/v1/sessions${query({ from, to, limit: 50, after })}`);
  useEffect(() => {
    if (data) setLoaded((previous) => (after ? [...previous, ...data.sessions] : data.sessions));
  }, [data, after]);
  const shown = loaded.filter((s) => matches(s, scope.filters));
  const partial = scope.filters.page !== undefined || scope.filters.event !== undefined;

  return (
    <div className="stack">
      {session && <SessionTimeline sessionId={session} timeZone={scope.timeZone} onClose={() => onOpen(undefined)} />}
      <section className="panel" aria-labelledby="sessions-title" aria-busy={loading}>
        <h2 id="sessions-title">Sessions</h2>
        {error && <p className="error" role="alert">{error.message}</p>}
        {partial && <p className="hint">Page and event filters do not apply to this list.</p>}
        <SessionsTable sessions={shown} timeZone={scope.timeZone} onOpen={onOpen}
          caption={`${shown.length} of the ${loaded.length} sessions loaded, oldest first`} />
        {data?.next && <button type="button" onClick={() => setAfter(data.next ?? undefined)} disabled={loading}>Load more</button>}
      </section>
    </div>
  );
}
