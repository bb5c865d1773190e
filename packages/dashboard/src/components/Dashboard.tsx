import { useMemo, useState } from 'react';
import type { AppSummary, Credentials } from '../api/readApi';
import { CredentialsContext } from '../state/credentials';
import { useViewState, type FilterName } from '../state/viewState';
import { previousRange, resolveRange } from '../time/ranges';
import { isTimeZone } from '../time/zonedTime';
import { KiosksView } from '../panels/KiosksView';
import { OverviewView } from '../panels/OverviewView';
import { PeopleView } from '../panels/PeopleView';
import { RejectedView } from '../panels/RejectedView';
import { SessionsView } from '../panels/SessionsView';
import type { StatsScope } from '../panels/statsScope';
import { FilterChips } from './FilterChips';
import { SignIn } from './SignIn';
import { Toolbar } from './Toolbar';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function zonesFor(...wanted: Array<string | null | undefined>): string[] {
  const known = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return [...new Set([...wanted.filter((z): z is string => !!z && isTimeZone(z)), 'UTC', ...known])];
}

/** Sign-in, then the dashboard for the chosen app; the key lives in this component's state only. */
export function Dashboard() {
  const [session, setSession] = useState<{ key: string; apps: AppSummary[] } | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  if (!session) {
    return <SignIn notice={notice} onSignedIn={(key, apps) => {
      setNotice(undefined);
      setSession({ key, apps });
    }} />;
  }
  return <SignedIn key={session.key} credentialsKey={session.key} apps={session.apps} onSignOut={() => {
    setSession(undefined);
    setNotice('Signed out: the key is forgotten.');
  }} />;
}

function SignedIn({ credentialsKey, apps, onSignOut }: { credentialsKey: string; apps: AppSummary[]; onSignOut(): void }) {
  const [state, update] = useViewState();
  const app = apps.find((a) => a.id === state.app || a.name === state.app) ?? apps[0]!;
  const timeZone = state.tz && isTimeZone(state.tz) ? state.tz : app.timezone ?? browserZone();
  const credentials = useMemo<Credentials>(() => ({ key: credentialsKey, appId: app.id }), [credentialsKey, app.id]);
  // "Now" moves when the view changes, not on every render: a read's address must stay put while it loads.
  const scope = useMemo<StatsScope>(() => {
    const range = resolveRange(state.range, timeZone, new Date());
    return { range, previous: previousRange(range), timeZone, filters: state.filters };
  }, [state.range, timeZone, state.filters]);
  const timeZones = useMemo(() => zonesFor(timeZone, app.timezone, browserZone()), [timeZone, app.timezone]);
  const setFilter = (name: FilterName, value: string) => update({ filters: { ...state.filters, [name]: value } });
  const removeFilter = (name: FilterName) => {
    const filters = { ...state.filters };
    delete filters[name];
    update({ filters });
  };

  return (
    <CredentialsContext.Provider value={credentials}>
      <Toolbar apps={apps} app={app} state={state} timeZone={timeZone} timeZones={timeZones} update={update} onSignOut={onSignOut} />
      <main className="content" key={app.id}>
        <FilterChips filters={state.filters} onRemove={removeFilter} />
        {state.view === 'overview' && <OverviewView app={app} scope={scope} onFilter={setFilter} />}
        {state.view === 'kiosks' && <KiosksView scope={scope} />}
        {state.view === 'sessions' && <SessionsView scope={scope} session={state.session} onOpen={(session) => update({ session })} />}
        {state.view === 'people' && <PeopleView timeZone={timeZone} />}
        {state.view === 'rejected' && <RejectedView timeZone={timeZone} />}
      </main>
    </CredentialsContext.Provider>
  );
}
