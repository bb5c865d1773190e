import type { AppSummary } from '../api/readApi';
import { PRESETS, type Preset } from '../time/ranges';
import type { View, ViewState } from '../state/viewState';

const VIEW_LABELS: Record<View, string> = {
  overview: 'Overview', kiosks: 'Kiosks', sessions: 'Sessions', people: 'People', rejected: 'Rejected',
};

interface Props {
  apps: AppSummary[];
  app: AppSummary;
  state: ViewState;
  timeZone: string;
  timeZones: string[];
  update(change: Partial<ViewState>): void;
  onSignOut(): void;
}

/** App switcher, views, date range, time zone and sign-out. */
export function Toolbar({ apps, app, state, timeZone, timeZones, update, onSignOut }: Props) {
  return (
    <header className="toolbar">
      <div className="toolbar-row">
        <span className="brand">Headcount</span>
        {apps.length > 1 ? (
          <div className="field">
            <label htmlFor="field-app">App</label>
            <select id="field-app" value={app.id} onChange={(e) => update({ app: e.target.value, filters: {}, session: undefined })}>
              {apps.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </div>
        ) : <span className="app-name">{app.name}</span>}
        <button type="button" className="sign-out" onClick={onSignOut}>Sign out</button>
      </div>
      <nav aria-label="Views">
        {(Object.keys(VIEW_LABELS) as View[]).map((view) => (
          <button key={view} type="button" aria-current={state.view === view ? 'page' : undefined}
            onClick={() => update({ view, session: undefined })}>{VIEW_LABELS[view]}</button>
        ))}
      </nav>
      <div className="toolbar-row">
        <div className="field">
          <label htmlFor="field-range">Range</label>
          <select id="field-range" value={state.range.preset} onChange={(e) => update({ range: { ...state.range, preset: e.target.value as Preset } })}>
            {PRESETS.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
          </select>
        </div>
        {state.range.preset === 'custom' && (
          <>
            <div className="field">
              <label htmlFor="field-from">From</label>
              <input id="field-from" type="date" value={state.range.fromDate ?? ''} onChange={(e) => update({ range: { ...state.range, fromDate: e.target.value } })} />
            </div>
            <div className="field">
              <label htmlFor="field-to">To</label>
              <input id="field-to" type="date" value={state.range.toDate ?? ''} onChange={(e) => update({ range: { ...state.range, toDate: e.target.value } })} />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor="field-time-zone">Time zone</label>
          <select id="field-time-zone" value={timeZone} onChange={(e) => update({ tz: e.target.value })}>
            {timeZones.map((tz) => <option key={tz} value={tz}>{tz}</option>)}
          </select>
        </div>
      </div>
    </header>
  );
}
