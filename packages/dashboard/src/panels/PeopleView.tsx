import { useState, type FormEvent } from 'react';
import type { Session, Touch } from '../api/readApi';
import { formatTime } from '../format/figures';
import { useRead } from '../hooks/useRead';
import { SessionsTable } from './SessionsTable';
import { SessionTimeline } from './SessionTimeline';

interface Person {
  userId?: string | null;
  anonymousId?: string;
  anonymousIds?: string[];
  firstTouch?: Touch | null;
  lastTouch?: Touch | null;
  sessions: Session[];
}

type Kind = 'user' | 'anonymous';

/** Looks up a userId or anonymousId: every device, session and the first and last touch. */
export function PeopleView({ timeZone }: { timeZone: string }) {
  const [lookup, setLookup] = useState<{ kind: Kind; id: string } | undefined>();
  const [open, setOpen] = useState<string | undefined>();
  const path = lookup ? `/v1/${lookup.kind === 'user' ? 'users' : 'anonymous'}/${encodeURIComponent(lookup.id)}` : null;
  const { data, error, loading } = useRead<Person>(path);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const id = String(form.get('id') ?? '').trim();
    if (id) {
      setOpen(undefined);
      setLookup({ kind: form.get('kind') === 'anonymous' ? 'anonymous' : 'user', id });
    }
  }

  const devices = [...new Set((data?.sessions ?? []).map((s) => [s.device?.type, s.device?.browser, s.device?.os].filter(Boolean).join(' · ')))];
  return (
    <div className="stack">
      <section className="panel" aria-labelledby="people-title">
        <h2 id="people-title">People</h2>
        <form className="lookup" onSubmit={submit}>
          <div className="field">
            <label htmlFor="lookup-kind">Kind of id</label>
            <select id="lookup-kind" name="kind" defaultValue="user"><option value="user">userId</option><option value="anonymous">anonymousId</option></select>
          </div>
          <div className="field grow">
            <label htmlFor="lookup-id">Id</label>
            <input id="lookup-id" name="id" type="search" required autoComplete="off" />
          </div>
          <button type="submit">Look up</button>
        </form>
        {error && <p className="error" role="alert">{error.status === 404 ? `No one with this id: ${error.message}` : error.message}</p>}
        {data && !loading && (
          <div className="person" data-person={lookup?.id}>
            <dl>
              {data.userId !== undefined && <><dt>userId</dt><dd>{data.userId ?? '(not identified)'}</dd></>}
              {data.anonymousIds && <><dt>anonymousIds</dt><dd>{data.anonymousIds.join(', ') || '(none)'}</dd></>}
              {data.anonymousId && <><dt>anonymousId</dt><dd>{data.anonymousId}</dd></>}
              {data.firstTouch !== undefined && <><dt>First touch</dt><dd data-touch="first">{describeTouch(data.firstTouch, timeZone)}</dd></>}
              {data.lastTouch !== undefined && <><dt>Last touch</dt><dd data-touch="last">{describeTouch(data.lastTouch, timeZone)}</dd></>}
              <dt>Devices</dt><dd>{devices.join('; ') || '(none)'}</dd>
            </dl>
            {open && <SessionTimeline sessionId={open} timeZone={timeZone} onClose={() => setOpen(undefined)} />}
            <SessionsTable sessions={data.sessions} timeZone={timeZone} onOpen={setOpen} caption={`${data.sessions.length} sessions`} />
          </div>
        )}
      </section>
    </div>
  );
}

function describeTouch(touch: Touch | null, timeZone: string): string {
  if (!touch) return '(none)';
  return `${[touch.type, touch.source].filter(Boolean).join(' · ')} at ${formatTime(touch.timestamp, timeZone)}`;
}
