import { useState } from 'react';
import type { BreakdownRow } from '../api/readApi';
import { formatCount } from '../format/figures';
import { useRead } from '../hooks/useRead';
import type { FilterName } from '../state/viewState';
import { statsPath, type StatsScope } from './statsScope';

export interface BreakdownTab {
  by: string;
  label: string;
  /** The filter a click on a row sets; none for rows that cannot filter. */
  filter?: FilterName;
  /** The tab shown once this one's row was clicked (channel -> source -> campaign). */
  drillTo?: string;
  /** Which count leads the row: events for pages and events, sessions otherwise. */
  measure: 'events' | 'sessions';
  measureLabel: string;
}

interface Props {
  title: string;
  tabs: BreakdownTab[];
  scope: StatsScope;
  onFilter(name: FilterName, value: string): void;
  limit?: number;
}

/** A top-N table with bars; clicking a row filters every panel by it. */
export function BreakdownPanel({ title, tabs, scope, onFilter, limit = 10 }: Props) {
  const [active, setActive] = useState(tabs[0]!.by);
  const tab = tabs.find((t) => t.by === active) ?? tabs[0]!;
  const { data, error, loading } = useRead<{ rows: BreakdownRow[] }>(statsPath('/v1/stats/breakdown', scope, { by: tab.by, limit }));
  const rows = data?.rows ?? [];
  const max = Math.max(1, ...rows.map((row) => row[tab.measure]));
  const id = `panel-${title.toLowerCase().replace(/\W+/g, '-')}`;

  return (
    <section className="panel" aria-labelledby={id} data-panel={title}>
      <div className="panel-head">
        <h2 id={id}>{title}</h2>
        {tabs.length > 1 && (
          <div className="tabs" role="group" aria-label={`${title} by`}>
            {tabs.map((t) => (
              <button key={t.by} type="button" aria-pressed={t.by === tab.by} onClick={() => setActive(t.by)}>{t.label}</button>
            ))}
          </div>
        )}
      </div>
      {error && <p className="error" role="alert">{error.message}</p>}
      <table className="breakdown" aria-busy={loading} data-by={tab.by}>
        <thead>
          <tr><th scope="col">{tab.label}</th><th scope="col" className="num">Visitors</th><th scope="col" className="num">{tab.measureLabel}</th></tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const label = row.key ?? '(none)';
            const width = `${(row[tab.measure] / max) * 100}%`;
            return (
              <tr key={label} data-key={label}>
                <td className="bar-cell">
                  <span className="bar" style={{ width }} aria-hidden="true" />
                  {tab.filter && row.key !== null ? (
                    <button type="button" className="row-filter" title={`Filter by ${tab.filter}: ${row.key}`}
                      onClick={() => {
                        onFilter(tab.filter!, row.key!);
                        if (tab.drillTo) setActive(tab.drillTo);
                      }}>{label}</button>
                  ) : <span className="row-label">{label}</span>}
                </td>
                <td className="num">{formatCount(row.visitors)}</td>
                <td className="num">{formatCount(row[tab.measure])}</td>
              </tr>
            );
          })}
          {!loading && rows.length === 0 && !error && <tr><td colSpan={3} className="empty">Nothing in this range.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
